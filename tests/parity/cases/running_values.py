"""`itertools.accumulate` with a function — a lambda reading the workflow's variables, a
builtin, an `operator` function, `func=` and `initial=` — lazy as CPython's (over an endless
`count`, and held across an await), beside the plain running sum; and `Counter.elements()`."""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from itertools import accumulate

from waymark import Workflow, action, workflow


@action
async def balances(n: int) -> list[int]:
    return [(i * 13) % 7 - 3 for i in range(n)]


@workflow
class RunningBalances(Workflow):
    async def run(self, n: int) -> list[object]:
        moves = await balances(n)
        floor = -2
        peaks = accumulate(moves, max)
        first = next(peaks, None)
        await balances(1)
        stock = Counter({"bolt": 3, "nut": 0, "gear": 2})
        return [
            first,
            list(peaks),
            list(accumulate(moves, lambda total, move: max(total + move, floor), initial=0)),
            list(itertools.accumulate(moves, operator.mul)),
            list(accumulate(moves, func=min)),
            list(accumulate(moves, None)),
            list(accumulate(moves)),
            list(itertools.islice(accumulate(itertools.count(1), operator.mul), 6)),
            sorted(stock.elements()),
            list(Counter("abca").elements()),
        ]


@workflow
class RunningErrors(Workflow):
    async def run(self, case: str) -> str:
        moves = await balances(3)
        try:
            if case == "scalar":
                return str(accumulate(len(moves), max))
            return str(list(accumulate([*moves, "x"], operator.add)))
        except TypeError as error:
            return f"TypeError: {error}"
