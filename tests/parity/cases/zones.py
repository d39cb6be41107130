"""Datetimes and times in zones cross every boundary (an action's argument and result, the
workflow's result) as they are: a wall time a daylight saving change skips or repeats keeps its
wall time, fold and zone, and a time keeps its `zoneinfo` zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from waymark import Workflow, action, workflow


@action
async def local_moment(stamp: str, zone: str, fold: int) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=ZoneInfo(zone), fold=fold)


@action
async def hours_later(when: datetime, hours: int) -> datetime:
    return when + timedelta(hours=hours)


@workflow
class WallTimes(Workflow):
    """02:30 on the night clocks go forward is 02:30 at the offset before the change (fold 0)
    or after it (fold 1); 01:30 on the night they go back happens twice (fold 0, then 1)."""

    async def run(self, stamp: str, zone: str, fold: int) -> list[object]:
        when = await local_moment(stamp, zone, fold)
        later = await hours_later(when, 0)
        return [
            repr(when),
            when.strftime("%H:%M %Z"),
            when.fold,
            when.utcoffset(),
            repr(later),
            (when + timedelta(hours=1)).isoformat(),
            when,
        ]


@action
async def opening_time(zone: str, hour: int, fold: int) -> time:
    return time(hour, 30, fold=fold, tzinfo=ZoneInfo(zone))


@workflow
class ZonedTimes(Workflow):
    """A time in a `zoneinfo` zone keeps it (and its fold), so a datetime made of it is in
    that zone, at the offset of that date."""

    async def run(self, zone: str, hour: int, fold: int, day: str) -> list[object]:
        opens = await opening_time(zone, hour, fold)
        start = datetime.combine(date.fromisoformat(day), opens)
        return [str(start), start.tzinfo is None, repr(opens), start.tzname(), start.fold]
