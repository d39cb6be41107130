"""`map` and `filter` whose function raised go on with the next item, as CPython's do (a
generator expression ends for good), before and after an await, by `next` and by a `for`."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def ping(value: int) -> int:
    return value


def tenfold(value: int) -> int:
    if value == 2:
        raise ValueError("two")
    return value * 10


def even(value: int) -> bool:
    if value == 3:
        raise KeyError(value)
    return value % 2 == 0


@workflow
class MapAfterError(Workflow):
    async def run(self, values: list[int]) -> list[object]:
        mapped = map(tenfold, values)
        kept = filter(even, values)
        pairs = map(lambda a, b: a // b, values, [1, 0, 1, 1, 1])
        read: list[object] = []
        for source in (mapped, kept, pairs):
            try:
                for item in source:
                    read.append(item)
            except (ValueError, KeyError, ZeroDivisionError) as error:
                read.append(type(error).__name__)
        await ping(1)
        generated = (tenfold(v) for v in values)
        try:
            read.append(list(generated))
        except ValueError:
            read.append("ended")
        return [read, list(mapped), list(kept), list(pairs), list(generated)]
