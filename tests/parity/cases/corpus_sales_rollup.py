"""Quarterly sales rollup: deal rows from several regions are merged, ranked with
`operator.itemgetter`/`attrgetter`, totalled with `functools.reduce`, summarised with
`statistics` (mean, median, quantiles, stdev), and outliers and quiet reps are flagged."""

from __future__ import annotations

import functools
import operator
import statistics
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter, itemgetter

from waymark import Workflow, action, workflow


@dataclass(frozen=True)
class Deal:
    rep: str
    region: str
    amount: float
    stage: str


@action
async def deals(region: str) -> list[dict[str, object]]:
    rows = {
        "emea": [
            {"rep": "ana", "amount": 1200.0, "stage": "won"},
            {"rep": "ben", "amount": 90.5, "stage": "won"},
            {"rep": "ana", "amount": 400.0, "stage": "lost"},
            {"rep": "cho", "amount": 15000.0, "stage": "won"},
        ],
        "apac": [
            {"rep": "dev", "amount": 640.25, "stage": "won"},
            {"rep": "eli", "amount": 640.25, "stage": "won"},
            {"rep": "dev", "amount": 10.0, "stage": "open"},
        ],
        "latam": [],
    }
    return rows[region]


@workflow
class SalesRollup(Workflow):
    async def run(self, regions: list[str], top: int = 3, z: float = 1.5) -> dict[str, object]:
        all_deals: list[Deal] = []
        for region in regions:
            rows = await deals(region)
            all_deals += [
                Deal(str(r["rep"]), region, float(r["amount"]), str(r["stage"])) for r in rows
            ]  # type: ignore[arg-type]
        won = [d for d in all_deals if d.stage == "won"]
        if len(won) < 2:
            return {"regions": regions, "won": len(won), "note": "not enough data"}
        amounts = [d.amount for d in won]
        per_rep: dict[str, float] = {}
        for d in won:
            per_rep[d.rep] = per_rep.get(d.rep, 0.0) + d.amount
        ranking = sorted(per_rep.items(), key=itemgetter(1, 0), reverse=True)
        by_region = sorted(won, key=attrgetter("region", "amount"))
        total = functools.reduce(operator.add, amounts, 0.0)
        mean = statistics.fmean(amounts)
        stdev = statistics.stdev(amounts)
        outliers = [d.rep for d in won if stdev and abs(d.amount - mean) / stdev > z]
        quartiles = statistics.quantiles(amounts, n=4) if len(amounts) >= 2 else []
        lost = {d.rep for d in all_deals if d.stage != "won"}
        return {
            "total": round(total, 2),
            "mean": f"{mean:,.2f}",
            "median": statistics.median(amounts),
            "mode": statistics.mode(d.region for d in won),
            "stdev": round(stdev, 3),
            "quartiles": [round(q, 2) for q in quartiles],
            "top": [f"{rep:<5}{amount:>10.1f}" for rep, amount in ranking[:top]],
            "first_per_region": [f"{d.region}/{d.rep}" for d in by_region],
            "running": list(accumulate(sorted(amounts), initial=0.0))[-1],
            "outliers": outliers,
            "only_lost_or_open": sorted(lost - per_rep.keys()),
            "get_pair": list(map(itemgetter(0), ranking)),
        }


INPUTS = {
    "SalesRollup": [
        {"regions": ["emea", "apac"]},
        {"regions": ["apac", "latam"], "top": 1, "z": 0.5},
        {"regions": ["latam"]},
        {"regions": ["emea", "mars"]},
    ]
}
