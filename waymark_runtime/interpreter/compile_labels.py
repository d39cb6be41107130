"""What `statements` keeps while it compiles a function body to jumps: `Label`, a pc known once
the code after it is emitted; the loops (`_Loop`) and except bodies (`_ExceptBody`) open at a
point, which `break` and `continue` leave; and `_awaits`, whether a body holds an `await`
(only then does its loop count iterations, `loop_instructions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from waymark_runtime import ir


class Label:
    """A pc known once the code after it is emitted; instructions read it when finished."""

    __slots__ = ("pc",)

    def __init__(self) -> None:
        self.pc = -1


@dataclass(slots=True)
class _Loop:
    again: Label  # where `continue` goes
    exit: Label  # where `break` goes
    slot: int | None  # the iterator slot of a `for`, cleared on `break`
    handlers: int  # how many except bodies were active when the loop began


@dataclass(slots=True)
class _ExceptBody:
    slot: int
    name: str | None


def _awaits(node: Any) -> bool:
    """Whether a statement (or a tuple of them) holds an `await` anywhere inside it."""
    if isinstance(node, ir.Await):
        return True
    if isinstance(node, tuple):
        return any(_awaits(item) for item in node)
    if isinstance(node, _WITH_BODIES):
        return any(_awaits(getattr(node, name)) for name in _BODIES if hasattr(node, name))
    return False


_WITH_BODIES = (ir.If, ir.For, ir.While, ir.Try, ir.Match, ir.Handler, ir.MatchCase)


_BODIES = ("body", "orelse", "handlers", "cases")
