"""IR statements: assignments, awaits, control flow, exceptions, `match` and log lines.

Data only: it builds on expressions, operations and patterns, and must not refer to functions or
workflows, which hold statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from waymark_runtime.ir.expressions import Attribute, BinOperator, Expr, Name, Subscript, Target
from waymark_runtime.ir.operations import Operation
from waymark_runtime.ir.patterns import Pattern
from waymark_runtime.ir.span import Span, span_field

__all__ = [
    "LOG_KINDS", "LOG_LEVELS", "Assign", "AugAssign", "Await", "Break", "Continue", "Delete",
    "ExprStmt", "For", "Handler", "If", "Log", "LogLevel", "Match", "MatchCase", "Pass", "Raise", "Return", "Stmt",
    "Try", "While", "Yield",
]  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Assign:
    """`t1 = t2 = value`: value evaluated once, assigned to each target left to right."""

    targets: tuple[Target, ...]
    value: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class AugAssign:
    target: Name | Subscript | Attribute
    op: BinOperator
    value: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Delete:
    """`del a, d[k], xs[i:j]`: each target unbound or removed, left to right."""

    targets: tuple[Name | Subscript, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExprStmt:
    """An expression evaluated for its effect on local values (`xs.append(x)`)."""

    value: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Await:
    """`target = await operation` (target None: the result is discarded)."""

    target: Target | None
    op: Operation
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class If:
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class For:
    target: Target
    iter: Expr
    body: tuple[Stmt, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class While:
    test: Expr
    body: tuple[Stmt, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Break:
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Continue:
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Pass:
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Return:
    value: Expr | None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Yield:
    """`yield value` as a statement of a synchronous helper, which makes it a generator: a
    call returns an iterator that runs the body up to each `yield` as it is read; `target`
    (`x = yield value`) is bound to what resumes it (`send`'s value, None for `next`)."""

    value: Expr | None
    target: Target | None = None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Raise:
    """`raise exc`, `raise exc from cause` (`cause` a `Const(None)` for `from None`); `exc=None`
    re-raises the exception being handled."""

    exc: Expr | None
    cause: Expr | None = None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Handler:
    """`except (A, B) as name:`; empty `types` catches everything (`except:`)."""

    types: tuple[str, ...]
    name: str | None
    body: tuple[Stmt, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Try:
    body: tuple[Stmt, ...]
    handlers: tuple[Handler, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchCase:
    pattern: Pattern
    guard: Expr | None
    body: tuple[Stmt, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    subject: Expr
    cases: tuple[MatchCase, ...]
    span: Span | None = span_field()


LogLevel: TypeAlias = Literal["debug", "info", "warning", "error", "critical", "exception", "print"]
LOG_LEVELS: tuple[LogLevel, ...] = ("debug", "info", "warning", "error", "critical", "exception")
"""The methods of `self.log`. `exception` is an `error` line followed by the exception being
handled, as `logging` writes it."""
LOG_KINDS: tuple[LogLevel, ...] = (*LOG_LEVELS, "print")
"""What a `Log` statement writes: a level, or `print`, the text `print(...)` writes to stdout,
which becomes `info` lines as stdout would show it (`self.log.print(...)` in `.wrl` only)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Log:
    """`self.log.info(message, *args)`: a line of the instance's log, formatted as `logging`
    does (`message % args` when there are args), recorded with the step that runs it."""

    level: LogLevel
    message: Expr
    args: tuple[Expr, ...]
    span: Span | None = span_field()


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
    | Yield
    | Raise
    | Try
    | Match
    | Log
)
