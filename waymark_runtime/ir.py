"""The IR of the Waymark Runtime Language: one frozen dataclass per construct.

Read it like a grammar. The compiler builds these nodes, the `.wrl` printer and parser map them to
and from text, the interpreter executes them. Spans are attributes, not identity: two nodes that
differ only in source location compare equal, so `parse(print(ir)) == ir` holds.
This module holds data only: no behaviour beyond trivial helpers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

WRL_VERSION = 2
# Versions the parser reads: `wrl 1` texts (absolute locations everywhere, hashed with them)
# are what stores written before `wrl 2` hold.
WRL_VERSIONS_READ = (1, 2)


@dataclass(frozen=True, slots=True)
class Span:
    """A source range; lines and columns are 1-based, the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------------------------------------
# Expressions (pure: the interpreter evaluates them itself, with no I/O)
# ---------------------------------------------------------------------------------------------

ConstValue: TypeAlias = bool | int | float | str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Const:
    value: ConstValue
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    id: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Starred:
    """`*value` inside a list/tuple/set display, a call's arguments, or an assignment target."""

    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class ListExpr:
    elts: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class TupleExpr:
    elts: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class SetExpr:
    elts: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class DictExpr:
    """A dict display; a key of `None` means `**value` (unpacking)."""

    keys: tuple[Expr | None, ...]
    values: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribute:
    value: Expr
    attr: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Slice:
    """Only valid as the index of a `Subscript`."""

    lower: Expr | None
    upper: Expr | None
    step: Expr | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscript:
    value: Expr
    index: Expr
    span: Span | None = _span()


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
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnaryOp:
    op: UnaryOperator
    operand: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class BoolOp:
    """`a and b and c`: short-circuits and returns the deciding operand, as Python does."""

    op: Literal["and", "or"]
    values: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare:
    """`a < b <= c`: each middle operand is evaluated once, comparisons short-circuit."""

    left: Expr
    ops: tuple[CompareOperator, ...]
    comparators: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class IfExp:
    test: Expr
    body: Expr
    orelse: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Keyword:
    """`name=value` in a call; a name of `None` means `**value`."""

    name: str | None
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """A call of a whitelisted pure builtin (`len`, `sorted`, ...), by its builtin name."""

    func: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MethodCall:
    """A call of a pure method of a str/list/dict/set/tuple value (`xs.append(x)`, `s.upper()`)."""

    obj: Expr
    method: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class HelperCall:
    """A call of a synchronous helper method of the workflow class (`self.total(xs)`)."""

    name: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class New:
    """Construction of a user type: a pydantic model, a dataclass or an exception class.

    `type` is the import path `module:QualName`; builtin exceptions use `builtins:ValueError`.
    """

    type: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class EnumMember:
    """`Color.RED`, a member of an enum class at `module:QualName`."""

    type: str
    member: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRef:
    """A class used as a value, `module:QualName` (`builtins:ValueError`).

    Only valid as the second argument of `isinstance` (alone or in a tuple).
    """

    type: str
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Generator:
    """One `for target in iter if cond ...` clause of a comprehension."""

    target: Target
    iter: Expr
    ifs: tuple[Expr, ...]
    span: Span | None = _span()


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
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class FormattedValue:
    """`{value!conversion:spec}` inside an f-string."""

    value: Expr
    conversion: Literal["s", "r", "a"] | None
    spec: FString | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class FString:
    parts: tuple[str | FormattedValue, ...]
    span: Span | None = _span()


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
    | Call
    | MethodCall
    | HelperCall
    | New
    | EnumMember
    | TypeRef
    | Comprehension
    | FString
)

# An assignment target: a name, a (nested) tuple of targets with at most one starred name,
# `container[index]`, or `value.attr` (a field of a model or dataclass the workflow holds).
Target: TypeAlias = Name | TupleExpr | Starred | Subscript | Attribute


# ---------------------------------------------------------------------------------------------
# Durable operations: what a workflow awaits. Each is a point where an instance may wait.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """`BackoffPolicy(base_delay, multiplier, max_delay, jitter)`, seconds; constants only."""

    base_delay: float
    multiplier: float
    max_delay: float | None
    jitter: float
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The `run_action` options.

    `attempts` is the total number of executions (None: the default, one execution for a raised
    exception). `exception_types` are class names matched against the exception's class and its
    bases (None: any exception but `ActionTimeout`). `timeout` is seconds per attempt.
    `attempts_expr` and `timeout_expr`, when set, are computed instead (the constant field is
    then None): evaluated when the action is dispatched, a timeout giving seconds or a
    `timedelta`. The other fields are constants.
    """

    attempts: int | None = None
    exception_types: tuple[str, ...] | None = None
    backoff_seconds: float | None = None
    backoff: Backoff | None = None
    timeout: float | None = None
    attempts_expr: Expr | None = None
    timeout_expr: Expr | None = None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionCall:
    """A call of an `@action`, by import path `module:qualname`, with an optional policy.

    With `child` set it is a child workflow call instead (`await Other().run(k=v)`): `action`
    is the workflow's name, arguments are keywords only, there is no policy, and `blocking`
    False starts a detached child whose result is its instance id."""

    action: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    policy: Policy | None = None
    child: bool = False
    blocking: bool = True
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Spread:
    """`*[call for target in iter if cond]` inside `asyncio.gather`: one call per element (an
    action, a child workflow or an async helper method)."""

    call: ActionCall | CallAsyncHelper
    generators: tuple[Generator, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Gather:
    """`asyncio.gather(...)`: every item's actions run concurrently; results in argument order.

    Without `return_exceptions`, the first failure (in completion order) propagates, as in Python.
    An async helper item runs as a task of its own, interleaved with the others at their awaits.
    """

    items: tuple[ActionCall | CallAsyncHelper | Spread, ...]
    return_exceptions: bool
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Sleep:
    """Durable `asyncio.sleep(seconds)`."""

    seconds: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class CallAsyncHelper:
    """`await self.helper(...)`: runs an async helper method of the workflow class."""

    name: str
    args: tuple[Expr, ...]
    kwargs: tuple[Keyword, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitForSignal:
    """`await self.wait_for_signal(name, Type, timeout=seconds)`: a durable wait for the next
    signal of that name sent to the instance (signals sent earlier wait for it, oldest first).

    `type` is the declared payload type as type text: import paths with subscripts,
    `builtins:list[app.models:Decision]` (see `waymark_runtime.signals.type_text`). With
    `timeout` (seconds, evaluated when the wait starts) it raises `SignalTimeout` once it passes."""

    name: str
    type: str
    timeout: Expr | None = None
    span: Span | None = _span()


Operation: TypeAlias = ActionCall | Gather | Sleep | CallAsyncHelper | WaitForSignal


# ---------------------------------------------------------------------------------------------
# Match patterns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchValue:
    """A literal or dotted-constant pattern, compared with `==` (`None/True/False` with `is`)."""

    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchAs:
    """`pattern as name`, a capture (`pattern=None`), or the wildcard `_` (both None)."""

    pattern: Pattern | None
    name: str | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchStar:
    """`*name` (or `*_` when name is None) inside a sequence pattern."""

    name: str | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchSequence:
    patterns: tuple[Pattern, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchMapping:
    keys: tuple[Expr, ...]
    patterns: tuple[Pattern, ...]
    rest: str | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchClass:
    """`Cls(p1, attr=p2)`; `cls` is `module:QualName` (`builtins:int` for builtins)."""

    cls: str
    patterns: tuple[Pattern, ...]
    kwd_names: tuple[str, ...]
    kwd_patterns: tuple[Pattern, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchOr:
    patterns: tuple[Pattern, ...]
    span: Span | None = _span()


Pattern: TypeAlias = (
    MatchValue | MatchAs | MatchStar | MatchSequence | MatchMapping | MatchClass | MatchOr
)


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Assign:
    """`t1 = t2 = value`: value evaluated once, assigned to each target left to right."""

    targets: tuple[Target, ...]
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class AugAssign:
    target: Name | Subscript | Attribute
    op: BinOperator
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Delete:
    """`del a, d[k], xs[i:j]`: each target unbound or removed, left to right."""

    targets: tuple[Name | Subscript, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExprStmt:
    """An expression evaluated for its effect on local values (`xs.append(x)`)."""

    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Await:
    """`target = await operation` (target None: the result is discarded)."""

    target: Target | None
    op: Operation
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class If:
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class For:
    target: Target
    iter: Expr
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class While:
    test: Expr
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Break:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Continue:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Pass:
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Return:
    value: Expr | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Raise:
    """`raise exc`; `exc=None` re-raises the exception being handled."""

    exc: Expr | None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Handler:
    """`except (A, B) as name:`; empty `types` catches everything (`except:`)."""

    types: tuple[str, ...]
    name: str | None
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Try:
    body: tuple[Stmt, ...]
    handlers: tuple[Handler, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchCase:
    pattern: Pattern
    guard: Expr | None
    body: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    subject: Expr
    cases: tuple[MatchCase, ...]
    span: Span | None = _span()


LogLevel: TypeAlias = Literal["debug", "info", "warning", "error", "critical"]
LOG_LEVELS: tuple[LogLevel, ...] = ("debug", "info", "warning", "error", "critical")


@dataclass(frozen=True, slots=True, kw_only=True)
class Log:
    """`self.log.info(message, *args)`: a line of the instance's log, formatted as `logging`
    does (`message % args` when there are args), recorded with the step that runs it."""

    level: LogLevel
    message: Expr
    args: tuple[Expr, ...]
    span: Span | None = _span()


Stmt: TypeAlias = (
    Assign
    | AugAssign
    | Delete
    | ExprStmt
    | Await
    | If
    | For
    | While
    | Break
    | Continue
    | Pass
    | Return
    | Raise
    | Try
    | Match
    | Log
)


# ---------------------------------------------------------------------------------------------
# Functions and workflows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    name: str
    default: Expr | None = None
    keyword_only: bool = False
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Function:
    """`run()` or a helper method; `self` is implicit and not listed in `params`."""

    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    is_async: bool = True
    span: Span | None = _span()


@dataclass(frozen=True, slots=True, kw_only=True)
class Workflow:
    """One compiled workflow: its registry name, `run()` and its helper methods."""

    name: str
    run: Function
    helpers: tuple[Function, ...] = ()
    span: Span | None = _span()

    def helper(self, name: str) -> Function:
        for function in self.helpers:
            if function.name == name:
                return function
        raise KeyError(name)


def child_names(node: object) -> set[str]:
    """The workflows an IR tree calls as children (`ir.ActionCall` with `child` set)."""
    found: set[str] = set()
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ActionCall) and item.child:
            found.add(item.action)
        if isinstance(item, tuple | list):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
    return found
