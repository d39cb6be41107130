"""map, filter and islice over endless generators held across awaits: each goes on where it was
after a resume (the step budget is not spent reading a source that never ends), reads the
enclosing variables as they are when it reads them, and ends for good once it has ended."""

from __future__ import annotations

import itertools

from waymark import Workflow, action, workflow


@action
async def ping(value: int) -> int:
    return value


def naturals(start: int = 0) -> object:
    n = start
    while True:
        yield n
        n += 1


def double(value: int) -> int:
    return value * 2


def odd(value: int) -> bool:
    return value % 2 == 1


@workflow
class EndlessMaps(Workflow):
    async def run(self, scale: int) -> list[object]:
        doubled = map(lambda v: v * 2, naturals())
        first = next(doubled)
        await ping(1)
        second = next(doubled)
        nonzero = filter(None, naturals())
        odds = filter(odd, naturals(10))
        named = map(double, naturals(5))
        scaled = (v * scale for v in naturals() if v % 3 == 0)
        await ping(2)
        scale = scale + 100
        read = [next(nonzero), next(odds), next(named), next(scaled), next(scaled)]
        window = itertools.islice(naturals(), 2, None, 3)
        head = itertools.islice(map(double, naturals()), 3)
        await ping(3)
        read += [next(window), next(window), list(head), list(head)]
        pairs = zip(map(double, naturals()), itertools.count())
        await ping(4)
        read.append(next(pairs))
        return [first, second, read, next(doubled), next(odds)]


@workflow
class EndedMaps(Workflow):
    async def run(self, size: int) -> list[object]:
        squares = map(lambda v: v * v, range(size))
        taken = list(itertools.islice(squares, 2))
        await ping(1)
        rest = list(squares)
        await ping(2)
        again = list(squares)
        failing = (10 // v for v in [2, 1, 0, 5])
        got = [next(failing), next(failing)]
        await ping(3)
        try:
            next(failing)
        except ZeroDivisionError as error:
            got.append(str(error))
        await ping(4)
        got.append(list(failing))
        try:
            itertools.islice(naturals(), -1)
        except ValueError as error:
            got.append(type(error).__name__)
        return [taken, rest, again, got]
