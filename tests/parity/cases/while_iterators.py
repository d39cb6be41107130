"""`itertools.takewhile` and `dropwhile` with a lambda, a helper or a builtin as the predicate,
lazy as CPython's: a shared iterator is left just past the first refused item, the predicate
is not called past it (a later item it would fail on is never asked), an infinite source ends,
a held one resumes across an await; `compress`; Python's errors for what is not iterable and
for a predicate that raises."""

from __future__ import annotations

import itertools
from itertools import dropwhile, takewhile

from waymark import Workflow, action, workflow


@action
async def readings(n: int) -> list[int]:
    return [(i * 7) % 10 for i in range(n)] + [0]


def small(x: int) -> bool:
    return x < 5


@workflow
class WhileReadings(Workflow):
    async def run(self, n: int) -> list[object]:
        xs = await readings(n)
        limit = 6
        source = iter(xs)
        head = list(takewhile(small, source))
        rest = list(source)
        held = dropwhile(lambda x: x != 9, xs)
        await readings(1)
        return [
            list(itertools.takewhile(lambda x: x < limit, xs)),
            list(dropwhile(lambda x: x < limit, xs)),
            head,
            rest,
            list(dropwhile(lambda x: 10 // x > 1, xs[1:])),
            list(held),
            list(takewhile(bool, xs)),
            list(takewhile(lambda x: x < 3, itertools.count())),
            list(itertools.compress(xs, [1, 0, 1, 1])),
            next(dropwhile(lambda x: x < 100, xs), "none"),
        ]


@workflow
class WhileErrors(Workflow):
    async def run(self, case: str) -> str:
        xs = await readings(3)
        try:
            if case == "not_iterable":
                return str(takewhile(bool, len(xs)))
            if case == "drop_not_iterable":
                return str(dropwhile(bool, None))
            return str(list(takewhile(lambda x: 10 // x, [5, *xs])))
        except (TypeError, ZeroDivisionError) as error:
            return f"{type(error).__name__}: {error}"
