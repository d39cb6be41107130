"""The match of a regular expression as a workflow value: `re.Match`'s methods and attributes,
answered from what the match found (the groups' spans), so it can be stored across an await.

A compiled pattern is Python's own `re.Pattern` (stored as its text and flags). This module
never matches text: the interpreter's `regexes` does, and builds a `MatchValue` of the result.
"""

from __future__ import annotations

import operator
import re
from typing import Any

Span = tuple[int, int]


class MatchValue:
    """What `re.match(...)` returns in a workflow, with `re.Match`'s answers and errors."""

    __slots__ = ("endpos", "lastindex", "pos", "re", "regs", "string")

    def __init__(
        self,
        pattern: re.Pattern[str],
        string: str,
        regs: tuple[Span, ...],
        lastindex: int | None,
        pos: int = 0,
        endpos: int | None = None,
    ) -> None:
        self.re, self.string, self.regs, self.lastindex = pattern, string, regs, lastindex
        self.pos = pos
        self.endpos = len(string) if endpos is None else endpos

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"'re.Match' object has no attribute '{name}'")

    @property
    def lastgroup(self) -> str | None:
        names = {index: name for name, index in self.re.groupindex.items()}
        return None if self.lastindex is None else names.get(self.lastindex)

    def _index(self, group: Any) -> int:
        """Python's lookup of a group by number or name (`IndexError: no such group`)."""
        index = -1
        if hasattr(type(group), "__index__"):
            index = operator.index(group)
        else:
            found = self.re.groupindex.get(group)
            if type(found) is int:
                index = found
        if not 0 <= index < len(self.regs):
            raise IndexError("no such group")
        return index

    def _text(self, index: int, default: Any = None) -> Any:
        start, end = self.regs[index]
        return default if start < 0 else self.string[start:end]

    def group(self, *groups: Any) -> Any:
        if len(groups) <= 1:
            return self._text(self._index(groups[0] if groups else 0))
        return tuple(self._text(self._index(g)) for g in groups)

    def __getitem__(self, group: Any) -> Any:
        return self._text(self._index(group))

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        return tuple(self._text(i, default) for i in range(1, len(self.regs)))

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        return {name: self._text(i, default) for name, i in self.re.groupindex.items()}

    def start(self, group: Any = 0) -> int:
        return self.regs[self._index(group)][0]

    def end(self, group: Any = 0) -> int:
        return self.regs[self._index(group)][1]

    def span(self, group: Any = 0) -> Span:
        return self.regs[self._index(group)]

    def __repr__(self) -> str:
        start, end = self.regs[0]
        return f"<re.Match object; span=({start}, {end}), match={repr(self._text(0))[:50]}>"


def match_value(found: re.Match[str]) -> MatchValue:
    """A real `re.Match` (an action's result) as a workflow value."""
    return MatchValue(found.re, found.string, found.regs, found.lastindex, found.pos, found.endpos)


# Methods a workflow may call on a match (and `m[g]`); its data attributes are `string`,
# `re`, `pos`, `endpos`, `lastindex`, `lastgroup` and `regs`.
MATCH_METHODS = frozenset({"group", "groups", "groupdict", "start", "end", "span"})
