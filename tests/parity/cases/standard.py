"""Constructors and functions of standard modules a workflow may call: dates and times built
and parsed, `Decimal` money with `quantize`, `statistics`, and `next`/`iter`."""

from __future__ import annotations

import asyncio
import calendar
import dataclasses
import datetime as dt
import math
import statistics
import string
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

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


REMINDERS = (timedelta(hours=1), timedelta(days=1, minutes=-30))
GRACE = dt.timedelta(0, 90)


class Reminder(BaseModel):
    to: str
    status: str | None = None


@workflow
class DurationsAndAttributes(Workflow):
    """`timedelta` constants (module level, in a tuple, a class attribute, a default),
    `getattr`/`hasattr` with a default, and an ISO calendar's named fields."""

    poll = timedelta(minutes=5)

    async def run(self, day: str, every: timedelta = timedelta(seconds=45)) -> list[object]:
        start = datetime.fromisoformat(day)
        reminder = Reminder(to="ada")
        await asyncio.sleep(0)
        week = start.isocalendar()
        return [
            [start + delta for delta in REMINDERS],
            GRACE.total_seconds(),
            self.poll * 2,
            every,
            getattr(reminder, "status", "none"),
            getattr(reminder, "missing", "default"),
            hasattr(reminder, "to"),
            hasattr(start, "nope"),
            (week.year, week.week, week.weekday),
            week,  # returned as what it is, with its fields
            await week_of(week),
        ]


@action
async def week_of(week: tuple[int, int, int]) -> str:
    return f"{type(week).__name__} {week[1]} {getattr(week, 'week', None)}"


@action
async def shifted(when: datetime, days: int) -> datetime:
    return when + timedelta(days=days)


@workflow
class ZonedDates(Workflow):
    """A datetime in a `zoneinfo` zone keeps its zone across inputs, actions and awaits: daylight
    saving time applies to its arithmetic, as in Python."""

    async def run(self, start: datetime) -> list[object]:
        later = await shifted(start, 2)
        await asyncio.sleep(0)
        return [
            start.tzname(),
            (start + timedelta(days=2)).isoformat(),
            later.isoformat(),
            later.tzname(),
            (later - start).total_seconds(),
        ]


INPUTS = {
    "ZonedDates": [
        {"start": datetime(2024, 3, 9, 12, tzinfo=ZoneInfo("America/New_York"))},
        {"start": datetime(2024, 10, 26, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))},
    ],
}


class Entry(TypedDict):
    path: str
    rows: int


@workflow
class TypedDicts(Workflow):
    """A `TypedDict` class called is a plain dict, as in Python."""

    async def run(self, n: int) -> list[object]:
        entries = [Entry(path=f"p{i}", rows=i * n) for i in range(3)]
        first = Entry({"path": "x", "rows": 0}, rows=n)
        await asyncio.sleep(0)
        return [entries, first, type(first).__name__, sum(e["rows"] for e in entries)]


@action
async def booked_slot(hours: int) -> datetime:
    return datetime(2024, 3, 30, 23, 0, tzinfo=dt.UTC) + timedelta(hours=hours)


@workflow
class ZonesAndFormats(Workflow):
    """Zones built in the workflow (`ZoneInfo(key)`, `timezone(offset, name)`, `timezone.utc`)
    held across awaits, `astimezone(zone)` across a daylight saving change, `strftime`,
    `calendar` arithmetic, and the error of an unknown zone."""

    async def run(self, zone: str, hours: int) -> list[object]:
        tz = ZoneInfo(zone)
        fixed = timezone(timedelta(hours=-5), "EST")
        start = await booked_slot(hours)
        local = start.astimezone(tz)
        await asyncio.sleep(0)
        _, days = calendar.monthrange(local.year, local.month)
        try:
            ZoneInfo("Nowhere/Atlantis")
            unknown = "found"
        except KeyError as error:
            unknown = type(error).__name__
        return [
            local.isoformat(),
            (local + timedelta(days=1)).isoformat(),
            local.strftime("%a %d %b %Y %H:%M %Z"),
            start.astimezone(fixed).strftime("%I:%M %p %Z"),
            date(2024, 2, 1).strftime("%A %B %j"),
            days,
            calendar.isleap(local.year),
            calendar.weekday(2024, 12, 25),
            tz.key,
            str(fixed),
            start.tzinfo == timezone.utc,  # noqa: UP017 (the older spelling)
            start.tzinfo == dt.UTC,
            local.tzname(),
            unknown,
        ]


@workflow
class FormatCastAndParse(Workflow):
    """`format(value, spec)` as the f-string field it is, `typing.cast` (its value),
    `datetime.strptime` (and its `ValueError` for text that does not match)."""

    async def run(self, amount: float, when: str) -> list[object]:
        total = cast(float, amount) * 3
        try:
            parsed: object = datetime.strptime(when, "%Y-%m-%d %H:%M")
        except ValueError as error:
            parsed = str(error)
        return [format(total, ".2f"), format(total), format(12345678, ",d"),
                format(amount, ">12"), format("x", "*^7"), parsed]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Pin:
    x: int


@workflow
class StandardExtras(Workflow):
    """Exceptions of standard modules caught by name, `datetime.max`-style constants, and the
    small number and text methods real code reaches for."""

    async def run(self, zone: str, amount: str) -> list[object]:
        pin = Pin(1)
        try:
            pin.x = 2  # type: ignore[misc]
            frozen = "changed"
        except dataclasses.FrozenInstanceError as error:
            frozen = f"{type(error).__name__}: {error}"
        try:
            where = str(ZoneInfo(zone))
        except ZoneInfoNotFoundError as error:
            where = type(error).__name__
        value = Decimal(amount)
        await asyncio.sleep(0)
        return [frozen, where, datetime.max, date.min, time.max, dt.MAXYEAR,
                (255).bit_length(), (-7).bit_count(), "tab\t".isprintable(), (0.75).as_integer_ratio(),
                (2.0).is_integer(), value.copy_abs(), value.copy_negate(), value.adjusted(),
                abs(value).sqrt(), value.is_finite(), value.to_integral_value(),
                hex(255), oct(-8), bin(value.adjusted() + 5), hex(True),
                dataclasses.is_dataclass(pin), dataclasses.is_dataclass(value),
                "".join(c for c in where if c not in string.punctuation), string.digits,
                math.factorial(12), math.comb(30, 12), math.perm(7, 3), math.perm(4)]  # fmt: skip
