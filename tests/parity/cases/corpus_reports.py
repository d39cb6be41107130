"""A weekly sales report: orders fetched per region in parallel, revenue bucketed by ISO week,
week-over-week growth, a leaderboard with ties, and a fixed-width text table plus CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Any

from waymark import Workflow, action, workflow

REPS = ["ana", "bo", "cy", "dee"]


@dataclass(frozen=True, slots=True)
class Order:
    region: str
    rep: str
    day: date
    amount: Decimal


@dataclass
class RegionReport:
    region: str
    weekly: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.weekly.values(), start=Decimal(0))

    def growth(self) -> list[str]:
        weeks = list(self.weekly.values())
        out = []
        for before, after in itertools.pairwise(weeks):
            if before == 0:
                out.append("n/a")
            else:
                out.append(f"{(after - before) / before:+.1%}")
        return out


class ReportError(Exception):
    pass


@action
async def fetch_orders(region: str, start: date, days: int) -> list[Order]:
    if region == "mars":
        raise ReportError("region mars has no data warehouse")
    seed = sum(map(ord, region))
    return [
        Order(
            region,
            REPS[(seed + i) % len(REPS)],
            start + timedelta(days=(i * 3) % days),
            Decimal(seed % 97 + i * 13) / 4,
        )
        for i in range(seed % 5 + 6)
    ]


@action
async def publish(name: str, body: str) -> str:
    return f"{name}: {len(body.splitlines())} lines"


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def leaderboard(orders: list[Order], top: int) -> list[tuple[int, str, str]]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for order in orders:
        totals[order.rep] += order.amount
    ranked = sorted(totals.items(), key=operator.itemgetter(1), reverse=True)
    board, rank = [], 0
    for position, (rep, amount) in enumerate(ranked, start=1):
        if not board or board[-1][2] != f"{amount:,.2f}":
            rank = position
        board.append((rank, rep, f"{amount:,.2f}"))
    return board[:top]


@workflow
class WeeklySalesReport(Workflow):
    async def run(
        self, regions: list[str], start: date, weeks: int = 3, top: int = 3
    ) -> dict[str, Any]:
        days = weeks * 7
        fetched = await asyncio.gather(
            *[fetch_orders(r, start, days) for r in regions], return_exceptions=True
        )
        reports: list[RegionReport] = []
        skipped: list[str] = []
        every: list[Order] = []
        for region, result in zip(regions, fetched, strict=True):
            if isinstance(result, Exception):
                skipped.append(f"{region} ({result})")
                continue
            every.extend(result)
            report = RegionReport(region)
            for label in (week_label(start + timedelta(weeks=w)) for w in range(weeks)):
                report.weekly[label] = Decimal(0)
            for order in sorted(result, key=operator.attrgetter("day")):
                report.weekly[week_label(order.day)] += order.amount
            reports.append(report)
        reports.sort(key=lambda r: (-r.total, r.region))
        width = max((len(r.region) for r in reports), default=6)
        header = (
            f"{'region':<{width}} | " + " | ".join(f"{w:>10}" for w in reports[0].weekly)
            if reports
            else ""
        )
        lines = [header, "-" * len(header)]
        for report in reports:
            cells = " | ".join(
                f"{v.quantize(Decimal('0.01'), ROUND_HALF_UP):>10}" for v in report.weekly.values()
            )
            lines.append(f"{report.region:<{width}} | {cells}  ({', '.join(report.growth())})")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["region", "total"])
        writer.writerows((r.region, r.total) for r in reports)
        grand = reduce(operator.add, (r.total for r in reports), Decimal(0))
        receipt = await publish(f"sales-{start:%Y%m%d}", "\n".join(lines))
        return {
            "table": "\n".join(lines),
            "csv": buffer.getvalue(),
            "leaders": leaderboard(every, top),
            "grand_total": f"${grand:,.2f}",
            "skipped": skipped,
            "receipt": receipt,
        }
