"""Plain functions the compiler lowers some standard calls to, compiled into a workflow as its
helpers when it makes such a call (they are read, never imported, like the user's functions).

Each is ordinary Python within what a helper may do, and gives what the standard call gives:
`cmp_sorted` is `sorted(items, key=functools.cmp_to_key(compare), reverse=reverse)`,
`cmp_extreme` is `min(items, key=functools.cmp_to_key(compare))` (or `max`, with `default=`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def cmp_sorted(items: Iterable[Any], compare: Callable[[Any, Any], Any], reverse: Any) -> list[Any]:
    """A stable merge sort that asks `compare(a, b) < 0` for "a before b", as the key
    `cmp_to_key` makes does; with `reverse`, equal items keep their order, as in CPython."""
    ordered = list(items)
    width = 1
    while width < len(ordered):
        merged: list[Any] = []
        for start in range(0, len(ordered), 2 * width):
            left = ordered[start : start + width]
            right = ordered[start + width : start + 2 * width]
            i = 0
            j = 0
            while i < len(left) and j < len(right):
                if reverse:
                    first = compare(left[i], right[j]) < 0
                else:
                    first = compare(right[j], left[i]) < 0
                if first:
                    merged.append(right[j])
                    j += 1
                else:
                    merged.append(left[i])
                    i += 1
            merged.extend(left[i:])
            merged.extend(right[j:])
        ordered = merged
        width *= 2
    return ordered


def cmp_extreme(
    items: Iterable[Any], compare: Callable[[Any, Any], Any], largest: Any, default: Any, given: Any
) -> Any:
    """`min` (`max` where `largest`) of `items` by the key `cmp_to_key(compare)` makes, with
    `default` where `given`: the first item no later one beats, as CPython keeps its best (it
    asks `compare(item, best) < 0`, `> 0` for `max`); of no items, the builtin's own error."""
    found = False
    best = None
    for item in items:
        if not found:
            found = True
            best = item
        elif largest:
            if compare(item, best) > 0:
                best = item
        elif compare(item, best) < 0:
            best = item
    if found:
        return best
    if given:
        return default
    if largest:
        return max(())
    return min(())
