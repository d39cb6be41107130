"""Where the text libcst reads differs from the user's: the columns removed before a form feed
(`form_feeds`) and the lines removed inside an emptied display (`sizes`). `Layout.place` maps a
position in the one back to the other, so diagnostics point at the user's text."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Layout:
    columns: Mapping[int, int] = field(default_factory=dict)
    """Characters removed from the start of a line, by the line's number in the text read."""
    moved_from: tuple[int, ...] = ()
    """The lines of the text read from which `moved_by[i]` lines were removed before them."""
    moved_by: tuple[int, ...] = ()

    def place(self, line: int, column: int) -> tuple[int, int]:
        """The user's line and column of a `line` and `column` of the text read."""
        column += self.columns.get(line, 0)
        index = bisect_right(self.moved_from, line)
        return line + (self.moved_by[index - 1] if index else 0), column
