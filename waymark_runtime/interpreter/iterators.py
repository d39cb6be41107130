"""The `itertools` functions a workflow may call, bounded by the step's meter.

Each builds its items at once, checked against the collection limit before it is built (a
`product` of large inputs fails with `LimitExceeded` instead of filling memory), and returns an
iterator over them, as `itertools` returns iterators. `groupby` receives (key, item) pairs: the
compiler applies the key function to each item (`lower.functional`), and its runs are built at
once too, but handed out by a `GroupBy`, which empties a group once the next is taken, as
Python's does. Those that need not end (`count`, `cycle`, `repeat` without a count) are small
iterators of their own (`Count`, `Cycle`, `Repeat`) that the state codec saves as what they
are; whatever reads one is metered item by item, as it reads any iterator (`list(count())`
fails with `LimitExceeded`).
"""

from __future__ import annotations

import itertools
import math
import operator
import sys
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

from waymark_runtime.interpreter.lazy import Slice, goes_on
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.vocabulary import (
    ACCUMULATE_RESULT,
    ACCUMULATE_START,
    DROP_WHILE,
    GOES_ON,
    REDUCE_RESULT,
    REDUCE_START,
    TAKE_WHILE,
)


class GroupBy:
    """`itertools.groupby`'s iterator over runs built at once: taking the next group (or
    finding there is none) empties the group before it, as Python's shared iterator does. The
    state codec saves its groups (list iterators, which may be held elsewhere) and position."""

    __slots__ = ("groups", "taken")

    def __init__(self, groups: list[tuple[Any, Iterator[Any]]], taken: int = 0) -> None:
        self.groups = groups
        self.taken = taken  # groups handed out

    def __iter__(self) -> GroupBy:
        return self

    def __next__(self) -> tuple[Any, Iterator[Any]]:
        if self.taken:
            for _ in self.groups[self.taken - 1][1]:
                pass
        if self.taken == len(self.groups):
            raise StopIteration
        self.taken += 1
        return self.groups[self.taken - 1]


class Count:
    """`itertools.count(start, step)`: `start`, `start + step`, ... (any numbers, as Python's)."""

    __slots__ = ("step", "value")

    def __init__(self, value: Any = 0, step: Any = 1) -> None:
        if not _is_number(value) or not _is_number(step):
            raise TypeError("a number is required")
        self.value, self.step = value, step

    def __iter__(self) -> Count:
        return self

    def __next__(self) -> Any:
        value = self.value
        self.value = value + self.step
        return value

    def __repr__(self) -> str:
        step = "" if self.step == 1 and type(self.step) is int else f", {self.step!r}"
        return f"count({self.value!r}{step})"


class Cycle:
    """`itertools.cycle(iterable)`: its items (read at once) over and over."""

    __slots__ = ("items", "position")

    def __init__(self, items: list[Any], position: int = 0) -> None:
        self.items, self.position = items, position

    def __iter__(self) -> Cycle:
        return self

    def __next__(self) -> Any:
        if not self.items:
            raise StopIteration
        item = self.items[self.position]
        self.position = (self.position + 1) % len(self.items)
        return item


class Repeat:
    """`itertools.repeat(value[, times])`: the one value, `times` times or forever (None)."""

    __slots__ = ("left", "value")

    def __init__(self, value: Any, left: int | None = None) -> None:
        self.value, self.left = value, left

    def __iter__(self) -> Repeat:
        return self

    def __next__(self) -> Any:
        if self.left is not None:
            if self.left <= 0:
                raise StopIteration
            self.left -= 1
        return self.value

    def __length_hint__(self) -> int:
        if self.left is None:
            raise TypeError("len() of unsized object")
        return max(self.left, 0)

    def __repr__(self) -> str:
        times = "" if self.left is None else f", {max(self.left, 0)}"
        return f"repeat({self.value!r}{times})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal | Fraction) or hasattr(value, "__index__")


def reduce_start(iterable: Any, *start: Any, **initial: Any) -> tuple[Iterator[Any], Any]:
    """The iterator `functools.reduce` reads and its first accumulator: `start` (or `initial=`,
    a keyword since Python 3.14) when given, else the first item (CPython's `TypeError`s for a
    keyword before 3.14, what cannot be iterated and no item)."""
    if initial and sys.version_info < (3, 14):
        raise TypeError("reduce() takes no keyword arguments")
    start = (*start, *initial.values())
    try:
        items = iter(iterable)
    except TypeError:
        raise TypeError("reduce() arg 2 must support iteration") from None
    if start:
        return items, start[0]
    for first in items:
        return items, first
    raise TypeError("reduce() of empty iterable with no initial value")


def accumulate_start(iterable: Any, initial: Any = None) -> tuple[Iterator[Any], Any, bool]:
    """The iterator `itertools.accumulate(xs, f)` reads, its first value (`initial`, else the
    first item) and whether there is one (Python's `TypeError` for what cannot be iterated)."""
    items = iter(iterable)
    if initial is not None:
        return items, initial, True
    for first in items:
        return items, first, True
    return items, None, False


def reduce_result(start: Any, accumulated: Iterable[Any]) -> Any:
    """The last of the accumulators the compiler's generator computes, or `start` for none."""
    value = start
    for value in accumulated:  # noqa: B007 (the last one is the result)
        pass
    return value


def iterator_functions(meter: Meter) -> dict[str, Callable[..., Any]]:
    """`itertools.<name>` (and `functools.reduce`'s two halves) by qualified name, under
    `meter`."""

    def pools(iterables: Iterable[Any]) -> list[list[Any]]:
        return [meter.materialise(iterable) for iterable in iterables]

    def built(count: int, items: Iterable[Any]) -> Iterator[Any]:
        meter.allow_items(count)
        return iter(list(items))

    def chain(*iterables: Any) -> Iterator[Any]:
        parts = pools(iterables)
        return built(sum(len(part) for part in parts), itertools.chain(*parts))

    def from_iterable(iterables: Any) -> Iterator[Any]:
        return chain(*meter.materialise(iterables))

    def product(*iterables: Any, repeat: int = 1) -> Iterator[Any]:
        parts = pools(iterables)
        count = math.prod(len(part) for part in parts) ** max(repeat, 0)
        return built(count, itertools.product(*parts, repeat=repeat))

    def combinations(iterable: Any, r: int) -> Iterator[Any]:
        pool = meter.materialise(iterable)
        count = math.comb(len(pool), r) if r >= 0 else 0
        return built(count, itertools.combinations(pool, r))

    def with_replacement(iterable: Any, r: int) -> Iterator[Any]:
        pool = meter.materialise(iterable)
        count = math.comb(len(pool) + r - 1, r) if r >= 0 and (pool or r == 0) else 0
        return built(count, itertools.combinations_with_replacement(pool, r))

    def permutations(iterable: Any, r: int | None = None) -> Iterator[Any]:
        pool = meter.materialise(iterable)
        size = len(pool) if r is None else r
        count = math.perm(len(pool), size) if size >= 0 else 0
        return built(count, itertools.permutations(pool, r))

    def islice(iterable: Any, *bounds: Any) -> Slice:
        return Slice.of(meter, iterable, *bounds)

    def pairwise(iterable: Any) -> Iterator[Any]:
        pool = meter.materialise(iterable)
        return built(max(len(pool) - 1, 0), itertools.pairwise(pool))

    def zip_longest(*iterables: Any, fillvalue: Any = None) -> Iterator[Any]:
        parts = pools(iterables)
        count = max((len(part) for part in parts), default=0)
        return built(count, itertools.zip_longest(*parts, fillvalue=fillvalue))

    def accumulate(iterable: Any, *, initial: Any = None) -> Iterator[Any]:
        """Running sums, each checked as `+` results are (a sum of strings grows)."""
        pool = meter.materialise(iterable)
        meter.allow_items(len(pool) + (initial is not None))
        return iter([meter.settle(total) for total in itertools.accumulate(pool, initial=initial)])

    def compress(data: Any, selectors: Any) -> Iterator[Any]:
        parts = pools((data, selectors))
        return built(min(len(part) for part in parts), itertools.compress(*parts))

    def accumulate_result(present: bool, first: Any, running: Any) -> Iterator[Any]:
        """`accumulate(xs, f)`: the first value, then each running value as it is read."""
        if present:
            yield first
            yield from meter.metered(running)

    def take_while(pairs: Any) -> Iterator[Any]:
        """`takewhile`: the items before the first whose answer is false (read lazily)."""
        for item, answer in meter.metered(pairs):
            if not answer:
                return
            yield item

    def drop_while(pairs: Any, rest: Iterator[Any]) -> Iterator[Any]:
        """`dropwhile`: from the first item whose answer is false, then every item of `rest`
        (the iterator the pairs read) unasked."""
        for item, answer in meter.metered(pairs):
            if not answer:
                yield item
                yield from meter.metered(rest)
                return

    def groupby(pairs: Any) -> GroupBy:
        """Runs of equal keys among (key, item) pairs: (key, iterator of the run's items)."""
        groups: list[tuple[Any, list[Any]]] = []
        for key, item in meter.materialise(pairs):
            if groups and groups[-1][0] == key:
                groups[-1][1].append(item)
            else:
                groups.append((key, [item]))
        return GroupBy([(key, iter(items)) for key, items in groups])

    def cycle(iterable: Any) -> Cycle:
        return Cycle(meter.materialise(iterable))

    def repeat(value: Any, times: Any = None) -> Repeat:
        if times is not None:
            times = int(operator.index(times))
        return Repeat(value, times)

    return {
        "itertools.count": Count,
        "itertools.cycle": cycle,
        "itertools.repeat": repeat,
        "itertools.chain": chain,
        "itertools.chain.from_iterable": from_iterable,
        "itertools.product": product,
        "itertools.combinations": combinations,
        "itertools.combinations_with_replacement": with_replacement,
        "itertools.permutations": permutations,
        "itertools.islice": islice,
        "itertools.pairwise": pairwise,
        "itertools.zip_longest": zip_longest,
        "itertools.compress": compress,
        TAKE_WHILE: take_while,
        GOES_ON: goes_on,
        ACCUMULATE_START: accumulate_start,
        ACCUMULATE_RESULT: accumulate_result,
        DROP_WHILE: drop_while,
        "itertools.accumulate": accumulate,
        "itertools.groupby": groupby,
        REDUCE_START: reduce_start,
        REDUCE_RESULT: reduce_result,
    }
