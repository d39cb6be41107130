"""Nested functions that read their enclosing function's variables passed as values (`key=bucket`,
`map(bucket, xs)`, `filter(small, xs)`), in a module function and in a helper method: each
call reads the variables as they are when it is made, as CPython's closures do."""

from __future__ import annotations

from waymark import Workflow, action, workflow


def psi(expected: list[float], actual: list[float]) -> list[object]:
    cuts = sorted(expected)[1:3]

    def bucket(value: float) -> int:
        return sum(value > cut for cut in cuts)

    order = sorted(actual, key=bucket)
    highest = max(actual, key=bucket)
    return [order, highest, list(map(bucket, actual)), [bucket(v) for v in order]]


def late(values: list[int]) -> list[object]:
    factor = 1

    def times(value: int) -> int:
        return value * factor

    def small(value: int) -> bool:
        return value * factor < 20

    first = list(map(times, values))
    factor = 10  # read when `times` is called, not where the function was defined
    return [first, list(map(times, values)), list(filter(small, values)), min(values, key=times)]


@action
async def load(values: list[float]) -> list[float]:
    return values


@workflow
class ClosureValues(Workflow):
    async def run(self, values: list[float]) -> list[object]:
        loaded = await load(values)
        return [psi(loaded, loaded), late([int(v) for v in loaded]), self.ranked(loaded, 2.0)]

    def ranked(self, values: list[float], pivot: float) -> list[float]:
        def distance(value: float) -> float:
            return abs(value - pivot)

        return sorted(values, key=distance)
