"""Constructors and functions of standard modules a workflow may call: dates and times built
and parsed, `Decimal` money with `quantize`, `statistics`, and `next`/`iter`."""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from waymark import Workflow, action, workflow

CENT = Decimal("0.01")


@action
async def prices(count: int) -> list[Decimal]:
    return [Decimal("19.99") * (i + 1) for i in range(count)]


@workflow
class DatesBuilt(Workflow):
    async def run(self, day: str, hour: int) -> list[object]:
        start = date.fromisoformat(day)
        first = date(start.year, start.month, 1)
        when = datetime.combine(start, time(hour, 30))
        parsed = datetime.fromisoformat(f"{day}T{hour:02d}:15:00+02:00")
        await asyncio.sleep(0)
        days = [first + timedelta(days=n) for n in range(3)]
        return [
            first,
            when,
            parsed,
            parsed.utcoffset(),
            dt.date.fromordinal(first.toordinal() + 40),
            date.fromisocalendar(2024, 10, 1),
            days,
            datetime(2024, 2, 29, hour) - when,
        ]


@workflow
class Money(Workflow):
    async def run(self, count: int, rate: str) -> list[object]:
        amounts = await prices(count)
        subtotal = sum(amounts, Decimal("0"))
        tax = (subtotal * Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        halves = [Decimal(n) / 8 for n in range(count + 1)]
        rounded = [h.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) for h in halves]
        return [subtotal, tax, subtotal + tax, rounded, str(Decimal("1.10").normalize())]


@workflow
class Statistics(Workflow):
    async def run(self, values: list[float]) -> list[object]:
        try:
            spread = statistics.stdev(values)
        except statistics.StatisticsError as error:
            spread = str(error)
        return [
            statistics.mean(values) if values else None,
            statistics.median(values) if values else None,
            statistics.multimode(values),
            spread,
            statistics.fmean(v * 2 for v in values) if values else None,
        ]


@workflow
class NextAndIter(Workflow):
    async def run(self, words: list[str]) -> list[object]:
        first_long = next((w for w in words if len(w) > 3), None)
        cursor = iter(words)
        head = next(cursor, "none")
        await asyncio.sleep(0)
        rest = list(cursor)
        try:
            next(iter([]))
            missing = "no error"
        except StopIteration:
            missing = "StopIteration"
        return [first_long, head, rest, missing]
