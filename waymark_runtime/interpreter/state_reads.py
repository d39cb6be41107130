"""What the state codec reads off an iterator it saves: the dict or set a dict's or set's
iterator reads and where in it the iterator is, and whether an iterator it must read out reads
one that need not end (whose items it cannot all read)."""

from __future__ import annotations

import gc
import types
from collections import OrderedDict
from typing import Any

from waymark_runtime.interpreter.code import Generator
from waymark_runtime.interpreter.iterators import Count, Cycle, Repeat
from waymark_runtime.interpreter.lazy import GenExp, Slice
from waymark_runtime.interpreter.limits import LimitExceeded

DICT_ITERATORS: dict[type, tuple[str, bool]] = {
    type(way(getattr({}, kind)())): (kind, way is reversed)
    for kind in ("keys", "values", "items")
    for way in (iter, reversed)
}
ODICT_ITERATOR: type = type(iter(OrderedDict()))
"""One type for every `OrderedDict` iterator: which view it reads, and which way, is found from
what it has left (`odict_place`)."""
_SET_ITERATOR: type = type(iter(set()))
Read = tuple[list[Any], BaseException | None, Any]
"""An iterator read out while saving: its items, what reading past them raised, the dict or set
it reads (`source_of`)."""


def source_of(iterator: Any) -> Any:
    """The dict or set a dict's or set's iterator reads (None once it has ended)."""
    if type(iterator) in DICT_ITERATORS or type(iterator) in (_SET_ITERATOR, ODICT_ITERATOR):
        return next((r for r in gc.get_referents(iterator) if isinstance(r, dict | set)), None)
    return None


def odict_place(mapping: Any, items: list[Any]) -> tuple[str, bool] | None:
    """The view (`keys`, `values`, `items`) and direction of an `OrderedDict` iterator that has
    `items` left: the first whose last items are those very objects (the pairs' parts for
    `items`). Only one that has a key as its own value left is ambiguous (read as its keys)."""
    if not isinstance(mapping, OrderedDict):
        return None
    left = len(items)
    for kind in ("items", "keys", "values"):
        view = list(getattr(mapping, kind)())
        for reverse in (False, True):
            tail = (view[::-1] if reverse else view)[len(view) - left :]
            if len(tail) == left and all(map(_same, tail, items)):
                return kind, reverse
    return None


def endless(obj: Any, depth: int = 0) -> bool:
    """Does `obj` read an iterator that need not end (that materialising would read until the
    step's budget is spent)? A Python generator of the interpreter's (`takewhile`'s) is asked
    about what it reads."""
    kind = type(obj)
    if kind in (Count, Cycle, Generator) or (kind is Repeat and obj.left is None):
        return True
    if depth > 8:
        return False
    if kind is GenExp or kind is Slice:
        return endless(obj.source, depth + 1)
    if kind is enumerate or kind is zip:
        sources = obj.__reduce__()[1]
        sources = sources[:1] if kind is enumerate else sources
        return any(endless(source, depth + 1) for source in sources)
    if isinstance(obj, types.GeneratorType) and obj.gi_frame is not None:
        return any(endless(value, depth + 1) for value in obj.gi_frame.f_locals.values())
    return False


def held_endless(obj: Any, spent: LimitExceeded) -> LimitExceeded:
    """The step budget spent saving `obj` as its items: it reads an iterator that need not
    end, and it is not one the state saves over its source."""
    return LimitExceeded(
        "step budget exceeded",
        f"an iterator ({type(obj).__name__}) held across an await reads a generator, count, cycle "
        "or repeat that need not end, and it is saved as its items; read what you need from it "
        "before the await, or build it with map, filter, islice or a generator expression of "
        "one `for`, which are saved over what they read",
        spent.setting,
        spent.limit,
    )


def _same(a: Any, b: Any) -> bool:
    if type(a) is tuple and type(b) is tuple and len(a) == len(b) == 2:
        return a[0] is b[0] and a[1] is b[1]
    return a is b
