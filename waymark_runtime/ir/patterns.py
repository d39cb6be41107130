"""IR `match` patterns (PEP 634): values, captures, sequences, mappings, classes, alternatives.

Data only: it must not refer to statements; `MatchCase`, which holds a pattern, is a statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from waymark_runtime.ir.expressions import Expr
from waymark_runtime.ir.span import Span, span_field

__all__ = [
    "MatchAs", "MatchClass", "MatchMapping", "MatchOr", "MatchSequence", "MatchStar", "MatchValue",
    "Pattern",
]  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchValue:
    """A literal or dotted-constant pattern, compared with `==` (`None/True/False` with `is`)."""

    value: Expr
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchAs:
    """`pattern as name`, a capture (`pattern=None`), or the wildcard `_` (both None)."""

    pattern: Pattern | None
    name: str | None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchStar:
    """`*name` (or `*_` when name is None) inside a sequence pattern."""

    name: str | None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchSequence:
    patterns: tuple[Pattern, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchMapping:
    keys: tuple[Expr, ...]
    patterns: tuple[Pattern, ...]
    rest: str | None
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchClass:
    """`Cls(p1, attr=p2)`; `cls` is `module:QualName` (`builtins:int` for builtins)."""

    cls: str
    patterns: tuple[Pattern, ...]
    kwd_names: tuple[str, ...]
    kwd_patterns: tuple[Pattern, ...]
    span: Span | None = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchOr:
    patterns: tuple[Pattern, ...]
    span: Span | None = span_field()


Pattern: TypeAlias = (
    MatchValue | MatchAs | MatchStar | MatchSequence | MatchMapping | MatchClass | MatchOr
)
