"""Module-level dates, datetimes and times written as literals: alone, in frozensets, tuples
and tables, and as defaults, read as constants."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time, timedelta

from waymark import Workflow, action, workflow

LAUNCH = date(2024, 3, 1)
CUTOFF = datetime(2024, 3, 1, hour=17, minute=30)
OPENS, CLOSES = time(9), time(hour=17, minute=30)
HOLIDAYS = frozenset({date(2024, 12, 25), date(2024, 12, 26), dt.date(2025, 1, 1)})
WINDOWS = ((time(0), time(6)), (time(22), dt.time(23, 59, 59, 999_999)))
RELEASES = {"v1": date(2023, 11, 2), "v2": dt.date(year=2024, month=2, day=29)}
EPOCHS = [dt.datetime(1970, 1, 1), datetime(2000, 1, 1, 0, 0, 0, 1)]


@action
async def today(offset: int) -> date:
    return LAUNCH + timedelta(days=offset)


def next_business_day(day: date) -> date:
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += timedelta(days=1)
    return day


@workflow
class MomentConstants(Workflow):
    async def run(self, offset: int, at: time = CLOSES) -> dict[str, object]:
        day = await today(offset)
        quiet = any(start <= at <= end for start, end in WINDOWS)
        return {
            "business": next_business_day(day).isoformat(),
            "after_launch": (day - LAUNCH).days,
            "before_cutoff": datetime.combine(day, at) < CUTOFF,
            "open": OPENS <= at < CLOSES,
            "quiet": quiet,
            "released": sorted(name for name, when in RELEASES.items() if when <= day),
            "epochs": [e.isoformat() for e in EPOCHS],
            "holidays": sorted(HOLIDAYS),
        }
