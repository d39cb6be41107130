"""Feature pipeline for a churn model: per-customer event histories pulled in parallel,
rolling and cumulative features computed with itertools and statistics, z-score outliers
flagged, rows with too little history dropped with a reason, and a feature table returned."""

from __future__ import annotations

import asyncio
import math
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, pairwise
from typing import Literal

from waymark import Workflow, action, workflow

Bucket = Literal["low", "mid", "high"]


class TooFewEvents(Exception):
    pass


@dataclass(frozen=True)
class Features:
    customer: str
    spend_total: float
    spend_mean: float
    spend_stdev: float
    max_gap_days: int
    trend: float
    bucket: Bucket
    peak_running: float


@action
async def events_for(customer: str) -> list[tuple[str, float]]:
    seed = sum(map(ord, customer))
    start = date(2024, 1, 1)
    count = seed % 7
    return [
        (
            (start + timedelta(days=(seed * (i + 1)) % 90)).isoformat(),
            round((seed % 13 + i * 3.5) * 1.1, 2),
        )
        for i in range(count)
    ]


def bucket_for(total: float, *, low: float = 50.0, high: float = 150.0) -> Bucket:
    if total < low:
        return "low"
    return "mid" if total < high else "high"


def slope(values: list[float]) -> float:
    n = len(values)
    xs = range(n)
    mean_x, mean_y = (n - 1) / 2, statistics.fmean(values)
    num = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True))
    den = sum((x - mean_x) ** 2 for x in xs)
    return round(num / den, 4) if den else 0.0


def build(customer: str, events: list[tuple[str, float]], min_events: int) -> Features:
    if len(events) < min_events:
        raise TooFewEvents(f"{customer} has {len(events)} events, needs {min_events}")
    events = sorted(events)
    days = [date.fromisoformat(d) for d, _ in events]
    spend = [amount for _, amount in events]
    gaps = [(b - a).days for a, b in pairwise(days)]
    total = math.fsum(spend)
    return Features(
        customer=customer,
        spend_total=round(total, 2),
        spend_mean=round(statistics.mean(spend), 3),
        spend_stdev=round(statistics.pstdev(spend), 3),
        max_gap_days=max(gaps, default=0),
        trend=slope(spend),
        bucket=bucket_for(total),
        peak_running=max(accumulate(spend)),
    )


@workflow
class ChurnFeatures(Workflow):
    async def run(self, customers: list[str], min_events: int = 3) -> dict[str, object]:
        histories = await asyncio.gather(*[events_for(c) for c in customers])
        rows: list[Features] = []
        dropped: dict[str, str] = {}
        for customer, events in zip(customers, histories, strict=True):
            try:
                rows.append(build(customer, events, min_events))
            except TooFewEvents as error:
                dropped[customer] = str(error)
        totals = [r.spend_total for r in rows]
        outliers: list[str] = []
        if len(totals) >= 2 and (sd := statistics.stdev(totals)) > 0:
            mu = statistics.mean(totals)
            outliers = [r.customer for r in rows if abs(r.spend_total - mu) / sd > 1.0]
        buckets = {
            b: sorted(r.customer for r in rows if r.bucket == b) for b in ("low", "mid", "high")
        }
        return {
            "table": [
                f"{r.customer:<6}|{r.spend_total:>8.2f}|{r.spend_stdev:6.3f}|{r.trend:+.4f}|{r.max_gap_days:3d}"
                for r in sorted(rows, key=lambda r: (-r.spend_total, r.customer))
            ],
            "dropped": dropped,
            "outliers": outliers,
            "buckets": {k: v for k, v in buckets.items() if v},
            "all_active": all(r.max_gap_days < 60 for r in rows),
            "median_peak": statistics.median(r.peak_running for r in rows) if rows else None,
        }


INPUTS = {
    "ChurnFeatures": [
        {"customers": ["alice", "bob", "carol", "dave", "erin", "frank"]},
        {"customers": ["zed", "bob"], "min_events": 1},
        {"customers": ["q"], "min_events": 10},
        {"customers": []},
    ]
}
