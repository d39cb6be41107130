"""`SavedIterator`: an iterator restored from the items it had left when its state was saved,
raising where the original would have raised (a generator's error, a set that changed size).

Plain data and `__next__`; the state codec (`state`) makes and saves them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from waymark_runtime.values import ExceptionCarrier, ExceptionValue, exception_value


class SavedIterator:
    """An iterator saved as the items it still had (a generator's, a set's), that raises
    where reading the original would have raised: `error` after the items — every time after,
    as a set's or dict's iterator does (`sticky`), else once, as a generator ends. A set's
    iterator also fails, as CPython's does, once its set no longer has the size it had
    (`watched`, `size`)."""

    __slots__ = ("error", "index", "items", "size", "sticky", "watched")

    def __init__(self, items: list[Any], index: int, error: ExceptionValue | None, sticky: bool,
                 watched: Any = None, size: int = 0) -> None:  # fmt: skip
        self.items, self.index, self.error, self.sticky = items, index, error, sticky
        self.watched, self.size = watched, size

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if self.watched is not None and len(self.watched) != self.size:
            self.error, self.sticky, self.watched = _SET_CHANGED, True, None
            self.index = len(self.items)  # CPython's fails at once, the rest unread
        if self.index < len(self.items):
            self.index += 1
            return self.items[self.index - 1]
        self.watched = None  # ended: nothing to watch any more
        error = self.error
        if error is None:
            raise StopIteration
        if not self.sticky:
            self.error = None
        else:  # a new exception each time, as CPython raises
            error = ExceptionValue(error.lineage, error.message, error.args, dict(error.attrs))
        raise ExceptionCarrier(error)


_SET_CHANGED = exception_value(RuntimeError("Set changed size during iteration"))
"""Never raised itself (it is sticky: copied when raised)."""
