"""IR expressions: the pure part of the language, which the interpreter evaluates itself with no
I/O (names, displays, operators, calls of pure builtins and methods, comprehensions, f-strings),
and assignment targets.

Data only: it must not refer to statements, operations or patterns, which are built on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from waymark_runtime.ir.span import Span, span_field

__all__ = [
    "ActionRef", "Attribute", "BinOp", "BinOperator", "BoolOp", "Call", "CallValue", "Compare",
    "CompareOperator", "Comprehension", "Const", "ConstValue", "DictExpr", "EnumMember", "Expr",
    "FString", "FormattedValue", "Generator", "HelperCall", "HelperRef", "IfExp", "Keyword",
    "ListExpr", "MethodCall", "Name", "NamedExpr", "New", "SetExpr", "Slice", "Starred",
    "Subscript", "Target", "TupleExpr", "TypeRef", "UnaryOp", "UnaryOperator",
]  # fmt: skip

ConstValue: TypeAlias = bool | int | float | str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Const:
    value: ConstValue
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    id: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Starred:
    """`*value` inside a list/tuple/set display, a call's arguments, or an assignment target."""

    value: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class ListExpr:
    elts: tuple[Expr, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class TupleExpr:
    elts: tuple[Expr, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class SetExpr:
    elts: tuple[Expr, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class DictExpr:
    """A dict display; a key of `None` means `**value` (unpacking)."""

    keys: tuple[Expr | None, ...]
    values: tuple[Expr, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribute:
    value: Expr
    attr: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Slice:
    """Only valid as the index of a `Subscript`."""

    lower: Expr | None
    upper: Expr | None
    step: Expr | None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscript:
    value: Expr
    index: Expr
    span: Span | None = span_field()


BinOperator: TypeAlias = Literal[
    "+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "@"
]
UnaryOperator: TypeAlias = Literal["-", "+", "not", "~"]
CompareOperator: TypeAlias = Literal[
    "==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class BinOp:
    op: BinOperator
    left: Expr
    right: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnaryOp:
    op: UnaryOperator
    operand: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class BoolOp:
    """`a and b and c`: short-circuits and returns the deciding operand, as Python does."""

    op: Literal["and", "or"]
    values: tuple[Expr, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare:
    """`a < b <= c`: each middle operand is evaluated once, comparisons short-circuit."""

    left: Expr
    ops: tuple[CompareOperator, ...]
    comparators: tuple[Expr, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class IfExp:
    test: Expr
    body: Expr
    orelse: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class NamedExpr:
    """`(target := value)`: binds a variable of the function and gives its value (never inside
    a comprehension, where it would bind the enclosing function's)."""

    target: Name
    value: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Keyword:
    """`name=value` in a call; a name of `None` means `**value`."""

    name: str | None
    value: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """A call of a whitelisted pure builtin (`len`, `sorted`, ...), by its builtin name."""

    func: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MethodCall:
    """A call of a pure method of a str/list/dict/set/tuple value (`xs.append(x)`, `s.upper()`)."""

    obj: Expr
    method: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class HelperCall:
    """A call of a synchronous helper method of the workflow class (`self.total(xs)`)."""

    name: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class New:
    """Construction of a user type: a pydantic model, a dataclass or an exception class.

    `type` is the import path `module:QualName`; builtin exceptions use `builtins:ValueError`.
    """

    type: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class EnumMember:
    """`Color.RED`, a member of an enum class at `module:QualName`."""

    type: str
    member: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRef:
    """A class used as a value, `module:QualName` (`builtins:ValueError`).

    Only valid as the second argument of `isinstance` (alone or in a tuple).
    """

    type: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRef:
    """An `@action` used as a value (`TOOLS = {"search": search}`, `handler = search`), by its
    import path `module:qualname`: what a computed action call (`ActionCall.callee`) runs."""

    action: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class HelperRef:
    """A helper function of the program (a `fn`, compiled from a method of the workflow class
    or a function of the user's code) used as a value: `partial(fmt, 2)`, `pick = self.rank`."""

    name: str
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class CallValue:
    """`(callee)(args)`: a call of the function a value holds, outside an `await`. A
    synchronous helper (or a `functools.partial` of one) runs at once; anything else that is
    not callable raises Python's `TypeError`. An action or an async helper is only awaited
    (`ActionCall.callee`)."""

    callee: Expr
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Generator:
    """One `for target in iter if cond ...` clause of a comprehension."""

    target: Target
    iter: Expr
    ifs: tuple[Expr, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Comprehension:
    """A list/set/dict comprehension or a generator expression.

    For `kind == "dict"`, `elt` is the key and `value` the value; otherwise `value` is None.
    A generator expression is lazy, as in Python (`any(...)` short-circuits).
    """

    kind: Literal["list", "set", "dict", "gen"]
    elt: Expr
    value: Expr | None
    generators: tuple[Generator, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class FormattedValue:
    """`{value!conversion:spec}` inside an f-string."""

    value: Expr
    conversion: Literal["s", "r", "a"] | None
    spec: FString | None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class FString:
    parts: tuple[str | FormattedValue, ...]
    span: Span | None = span_field()


Expr: TypeAlias = (
    Const
    | Name
    | Starred
    | ListExpr
    | TupleExpr
    | SetExpr
    | DictExpr
    | Attribute
    | Slice
    | Subscript
    | BinOp
    | UnaryOp
    | BoolOp
    | Compare
    | IfExp
    | NamedExpr
    | Call
    | MethodCall
    | HelperCall
    | New
    | EnumMember
    | TypeRef
    | ActionRef
    | HelperRef
    | CallValue
    | Comprehension
    | FString
)

# An assignment target: a name, a (nested) tuple of targets with at most one starred name,
# `container[index]`, or `value.attr` (a field of a model or dataclass the workflow holds).
Target: TypeAlias = Name | TupleExpr | Starred | Subscript | Attribute
