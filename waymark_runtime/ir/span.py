"""Source locations of IR nodes: `Span`, and the field every node keeps it in.

Spans are attributes, not identity: the field is left out of equality (and repr), so two nodes that
differ only in where they were written compare equal. It must not hold nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Span",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Span:
    """A source range; lines and columns are 1-based, the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


def span_field() -> Span | None:
    return field(default=None, compare=False, repr=False)
