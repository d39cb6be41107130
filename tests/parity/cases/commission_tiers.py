"""Sales commissions by tier and a leaderboard: `bisect` finds a value's tier in a module-level
table of thresholds, and `insort` keeps a list of scores sorted as they arrive."""

from __future__ import annotations

import bisect
from bisect import insort
from decimal import Decimal

from waymark import Workflow, action, workflow

THRESHOLDS = [0, 1_000, 10_000, 50_000]
RATES = [Decimal("0.02"), Decimal("0.035"), Decimal("0.05"), Decimal("0.07")]
GRADE_CUTS = [60, 70, 80, 90]


@action
async def monthly_sales(rep: str) -> list[int]:
    return {"ann": [400, 2_500, 61_000], "bob": [0, 9_999], "cy": []}[rep]


@workflow
class Commissions(Workflow):
    async def run(self, reps: list[str]) -> dict[str, object]:
        payouts: dict[str, str] = {}
        board: list[tuple[Decimal, str]] = []
        for rep in reps:
            total = Decimal(0)
            for amount in await monthly_sales(rep):
                tier = bisect.bisect_right(THRESHOLDS, amount) - 1
                total += (amount * RATES[tier]).quantize(Decimal("0.01"))
            payouts[rep] = f"{total:,.2f}"
            insort(board, (total, rep))
        grades = ["FDCBA"[bisect.bisect(GRADE_CUTS, int(t) % 100)] for t, _ in board]
        return {"payouts": payouts, "board": board[::-1], "grades": grades}
