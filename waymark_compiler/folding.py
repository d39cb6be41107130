"""Module-level constants computed from other constants by f-strings, subscripts, pure
methods and pure text functions (`KEY = f"{PREFIX}-"`, `UPPER = PREFIX.upper()`,
`FIRST = TABLE["a"]`, `LETTER = textwrap.dedent(TEXT)`, and such an argument of a
partial, `partial(fmt, f"{PREFIX}-")`), evaluated when compiling.

Python computes them once, when the module is imported, from values nothing changes; the
compiler computes them the same way, with CPython's own operations, and puts the value in
their place as a literal. Only an immutable result is put in place (a string, a number,
True/False/None, a tuple of them), so every read is the same value, as in Python, or the new
list a string's `split` makes (`WORDS = "a b c".split()`), which is then a table like one
written out (read as a fresh copy, never changed); anything else (a list, an unknown name, an impure or unknown method, an error) leaves the expression
as written, which is refused where a workflow reads it (WM122).
"""

from __future__ import annotations

import ast
import math
import operator
import re
import string
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst

from waymark_compiler.folded_comprehensions import (
    COMPREHENSIONS,
    Member,
    NotFolded,
    builtin_call,
    comprehension,
    condition,
    enum_members,
    scoped,
)
from waymark_compiler.namespace import Namespace
from waymark_compiler.symbols import ConstSym, ExternalSym, Symbol
from waymark_runtime.vocabulary import FORMATTING, PURE_METHODS

Resolve = Callable[[cst.BaseExpression], Symbol | None]
At = Callable[[Namespace], Resolve]

_LIMIT = 100_000  # the longest string or tuple, and the largest count, computed
_DEPTH = 50  # the longest chain of constants read through

_BINARY: dict[type[cst.BaseBinaryOp], Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.BitAnd: operator.and_,
    cst.BitOr: operator.or_,
    cst.BitXor: operator.xor,
}
_UNARY: dict[type[cst.BaseUnaryOp], Callable[[Any], Any]] = {
    cst.Minus: operator.neg,
    cst.Plus: operator.pos,
    cst.BitInvert: operator.invert,
    cst.Not: operator.not_,
}
# The owners whose pure methods (the runtime's) a constant may call: their methods change
# nothing; and a table's `get`.
_IMMUTABLE = (str, int, float, tuple)
_VIEWS = ("items", "keys", "values")
# The methods of a string that make a new list (no object of the module's), folded to a table.
_FRESH_LISTS = frozenset({"split", "rsplit", "splitlines"})
# Pure functions of text a constant may call (`textwrap.indent` without its `predicate`, a
# function, which no constant is).
_TEXT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "textwrap.dedent": textwrap.dedent,
    "textwrap.indent": textwrap.indent,
    "textwrap.fill": textwrap.fill,
    "textwrap.shorten": textwrap.shorten,
    "string.capwords": string.capwords,
}
_TEXT_NAMES = frozenset(name.rpartition(".")[2] for name in _TEXT_FUNCTIONS)
_FIELD_PARTS = re.compile(r"\{[^{}]*[.\[]")
_WIDE = re.compile(r"\d{6,}")  # a format width or precision past `_LIMIT`


_NotConstant = NotFolded


def fold_constants(value: cst.BaseExpression, namespace: Namespace, at: At) -> cst.BaseExpression:
    """`value` with each f-string, subscript and method call inside it (through displays,
    operators and call arguments) that computes an immutable value from constants replaced
    by that value's literal."""
    if not any(_foldable(node) for node in _walk(value)):
        return value  # the common case: nothing to evaluate
    folder = _Folder(namespace, at)
    folded = value.visit(folder)
    assert isinstance(folded, cst.BaseExpression)
    return folded


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found, pending = [], [node]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.children)
    return found


def _foldable(node: cst.CSTNode) -> bool:
    if isinstance(node, (cst.FormattedString, cst.Subscript, *COMPREHENSIONS)):
        return True
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):  # `dedent("...")`
        return node.func.value in _TEXT_NAMES
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)


def _fresh_list(node: cst.CSTNode, found: Any) -> bool:
    """Is `found` the new list of immutable items a string method `node` made?"""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
        return False
    named = node.func.attr.value in _FRESH_LISTS
    return named and isinstance(found, list) and all(_immutable(item) for item in found)


class _Folder(cst.CSTTransformer):
    def __init__(self, namespace: Namespace, at: At) -> None:
        super().__init__()
        self.namespace = namespace
        self.at = at

    def on_visit(self, node: cst.CSTNode) -> bool:
        return not isinstance(node, (cst.Lambda, *COMPREHENSIONS))  # folded whole, if at all

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> Any:
        if not _foldable(original) or not isinstance(updated, cst.BaseExpression):
            return updated
        try:
            found = _Evaluator(self.at).value(updated, self.namespace, 0)
            table = isinstance(original, COMPREHENSIONS) or _fresh_list(original, found)
            made = _display(found) if table else _literal(found)
        except (_NotConstant, ArithmeticError, LookupError, TypeError, ValueError):
            return updated
        where = self.namespace.source.positions.get(original)
        if where is not None:
            self.namespace.source.positions[made] = where
        return made


class _Evaluator:
    def __init__(self, at: At) -> None:
        self.at = at
        self.scope: dict[str, Any] = {}  # the variables of the comprehensions being evaluated

    def value(self, node: cst.BaseExpression, namespace: Namespace, depth: int) -> Any:
        if depth > _DEPTH:
            raise _NotConstant
        if isinstance(node, cst.Name) and node.value in self.scope:
            return self.scope[node.value]
        if isinstance(node, COMPREHENSIONS):
            return comprehension(self, node, namespace, depth)
        if isinstance(node, cst.Attribute) and scoped(node, self):  # `s.name` of a member `s`
            owner = self.value(node.value, namespace, depth + 1)
            if isinstance(owner, Member) and node.attr.value in ("name", "value"):
                return owner.name if node.attr.value == "name" else owner.value
            raise _NotConstant
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.Integer | cst.Float):
            found = ast.literal_eval(cst.Module([]).code_for_node(node))
            if isinstance(found, bytes):
                raise _NotConstant
            return found
        if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        if isinstance(node, cst.Name | cst.Attribute):
            return self._named(node, namespace, depth)

        def inner(part: cst.BaseExpression) -> Any:
            return self.value(part, namespace, depth + 1)

        if isinstance(node, cst.Tuple):
            return tuple(inner(e.value) for e in node.elements if not _starred(e))
        if isinstance(node, cst.List):
            return [inner(e.value) for e in node.elements if not _starred(e)]
        if isinstance(node, cst.Dict):
            pairs = [e for e in node.elements if _pair(e)]
            return {inner(e.key): inner(e.value) for e in pairs if isinstance(e, cst.DictElement)}
        if isinstance(node, cst.UnaryOperation):
            return _UNARY[type(node.operator)](inner(node.expression))
        if isinstance(node, cst.BinaryOperation) and type(node.operator) in _BINARY:
            return _bounded(node.operator, inner(node.left), inner(node.right))
        if isinstance(node, cst.FormattedString):
            quoted = (node.start.lower().replace("f", ""), node.end)
            return self._formatted(node.parts, quoted, inner)
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            return inner(node.value)[self._index(node.slice[0].slice, inner)]
        if isinstance(node, cst.Call) and (text := self._text_function(node, namespace)):
            return _called(text, node, inner)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return self._method(node, node.func, inner)
        if isinstance(node, cst.Comparison | cst.BooleanOperation | cst.IfExp):
            return condition(node, inner)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            symbol = self.at(namespace)(node.func)
            argument = lambda part: self.iterable(part, namespace, depth + 1)  # noqa: E731
            return builtin_call(node, node.func.value, argument, symbol)
        raise _NotConstant

    def iterable(self, node: cst.BaseExpression, namespace: Namespace, depth: int) -> Any:
        """What a comprehension iterates: a constant, or the members of an enum class."""
        members = enum_members(node, self.at(namespace)) if not scoped(node, self) else None
        return members if members is not None else self.value(node, namespace, depth)

    def _named(self, node: cst.Name | cst.Attribute, namespace: Namespace, depth: int) -> Any:
        symbol = self.at(namespace)(node)
        if not isinstance(symbol, ConstSym) or symbol.partial or symbol.functions:
            raise _NotConstant
        if symbol.members or symbol.objects:
            raise _NotConstant
        return self.value(symbol.value, symbol.namespace, depth + 1)

    def _formatted(
        self,
        parts: Sequence[cst.BaseFormattedStringContent],
        quoted: tuple[str, str],
        inner: Callable[[Any], Any],
    ) -> str:
        """The text of an f-string's `parts` (its quotes and prefix, `quoted`, read its text)."""
        out = []
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                text = ast.literal_eval(quoted[0] + part.value + quoted[1])
                out.append(text.replace("{{", "{").replace("}}", "}"))
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            found = inner(part.expression)
            conversions: dict[str, Callable[[Any], str]] = {"r": repr, "s": str, "a": ascii}
            if part.conversion in conversions:
                found = conversions[part.conversion](found)
            spec = self._formatted(part.format_spec or (), quoted, inner)
            if _WIDE.search(spec):
                raise _NotConstant
            out.append(format(found, spec))
        return str(_short("".join(out)))

    def _text_function(self, node: cst.Call, namespace: Namespace) -> Callable[..., Any] | None:
        """`textwrap.dedent` (under any import) when `node` calls one of `_TEXT_FUNCTIONS`."""
        symbol = self.at(namespace)(node.func)
        return _TEXT_FUNCTIONS.get(symbol.qualname) if isinstance(symbol, ExternalSym) else None

    def _index(self, index: cst.BaseSlice, inner: Callable[[Any], Any]) -> Any:
        if isinstance(index, cst.Index) and index.star is None:
            return inner(index.value)
        if isinstance(index, cst.Slice):
            ends = (index.lower, index.upper, index.step)
            return slice(*(None if end is None else inner(end) for end in ends))
        raise _NotConstant

    def _method(self, node: cst.Call, func: cst.Attribute, inner: Callable[[Any], Any]) -> Any:
        owner = inner(func.value)
        name = func.attr.value
        pure = type(owner) in _IMMUTABLE and (name in PURE_METHODS or name in FORMATTING)
        if type(owner) is dict and name in _VIEWS and not node.args:  # `CODES.items()`
            return list(getattr(owner, name)())
        if not (pure or (type(owner) is dict and name == "get")):
            raise _NotConstant
        if name in FORMATTING and _FIELD_PARTS.search(owner):
            raise _NotConstant  # `"{0.real}".format(x)`: reads attributes of the arguments
        if any(arg.star for arg in node.args):
            raise _NotConstant
        args = [inner(arg.value) for arg in node.args if arg.keyword is None]
        kwargs = {arg.keyword.value: inner(arg.value) for arg in node.args if arg.keyword}
        if any(isinstance(a, int) and abs(a) > _LIMIT for a in [*args, *kwargs.values()]):
            raise _NotConstant  # `"x".zfill(10**9)`
        return getattr(owner, name)(*args, **kwargs)


def _called(func: Callable[..., Any], node: cst.Call, inner: Callable[[Any], Any]) -> Any:
    """`func` of the constant arguments of `node` (only text and numbers: a `predicate`, a
    function, is no constant)."""
    if any(arg.star for arg in node.args):
        raise _NotConstant
    args = [inner(arg.value) for arg in node.args if arg.keyword is None]
    kwargs = {arg.keyword.value: inner(arg.value) for arg in node.args if arg.keyword}
    if not all(isinstance(a, str | int) for a in [*args, *kwargs.values()]):
        raise _NotConstant
    if any(isinstance(a, int) and abs(a) > _LIMIT for a in [*args, *kwargs.values()]):
        raise _NotConstant  # `fill(TEXT, width=10**9)`
    return _short(func(*args, **kwargs))


def _starred(element: cst.BaseElement) -> bool:
    if isinstance(element, cst.StarredElement):
        raise _NotConstant
    return False


def _pair(element: cst.BaseDictElement) -> bool:
    if not isinstance(element, cst.DictElement):
        raise _NotConstant
    return True


def _bounded(op: cst.BaseBinaryOp, left: Any, right: Any) -> Any:
    """`left op right`, unless it would build a value past `_LIMIT` (`"ab" * 10**9`)."""
    if isinstance(op, cst.Power) and isinstance(right, int) and abs(right) > 1000:
        raise _NotConstant
    if isinstance(op, cst.Multiply) and any(
        isinstance(v, int) and v > _LIMIT for v in (left, right)
    ):
        raise _NotConstant
    found = _BINARY[type(op)](left, right)
    return _short(found) if isinstance(found, str | tuple | list) else found


def _short(found: Any) -> Any:
    if len(found) > _LIMIT:
        raise _NotConstant
    return found


def _literal(found: Any) -> cst.BaseExpression:
    """The literal of an immutable value (a string, a number, True/False/None, a tuple)."""
    if not _immutable(found):
        raise _NotConstant
    text = repr(found)
    if ast.literal_eval(text) != found:
        raise _NotConstant
    return cst.parse_expression(text)


def _display(found: Any) -> cst.BaseExpression:
    """The display of a folded comprehension's list, set or dict (members by their name)."""
    if isinstance(found, dict):
        return cst.Dict([cst.DictElement(_item(k), _item(v)) for k, v in found.items()])
    if isinstance(found, list):
        return cst.List([cst.Element(_item(v)) for v in found])
    if isinstance(found, set) and found:
        return cst.Set([cst.Element(_item(v)) for v in found])
    raise _NotConstant


def _item(value: Any) -> cst.BaseExpression:
    if isinstance(value, Member):
        return cst.parse_expression(f"{value.owner}.{value.name}")
    if isinstance(value, list | dict | set):
        return _display(value)
    if isinstance(value, tuple) and any(isinstance(v, Member | list | dict | set) for v in value):
        return cst.Tuple([cst.Element(_item(v)) for v in value])
    return _literal(value)


def _immutable(found: Any) -> bool:
    if isinstance(found, tuple):
        return all(_immutable(item) for item in found)
    if isinstance(found, float):
        return math.isfinite(found)
    return found is None or isinstance(found, str | int | bool)
