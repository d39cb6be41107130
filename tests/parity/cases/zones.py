"""Datetimes and times in zones cross every boundary (an action's argument and result, the
workflow's result) as they are: a wall time a daylight saving change skips or repeats keeps its
wall time, fold and zone, a fixed offset keeps the name it was given, and a time keeps its
`zoneinfo` zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from pydantic import BaseModel, TypeAdapter

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
async def branch_open(day: str, hours: int, name: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00").replace(
        tzinfo=timezone(timedelta(hours=hours), name)
    )


@action
async def branch_close(hours: int, name: str) -> time:
    return time(17, 0, tzinfo=timezone(timedelta(hours=hours), name))


@workflow
class NamedOffsets(Workflow):
    """A fixed offset given a name (`timezone(offset, "EST")`), even the name it would have had
    anyway, on a datetime, on a time, and on its own."""

    async def run(self, day: str, hours: int, name: str) -> list[object]:
        opens = await branch_open(day, hours, name)
        later = await hours_later(opens, 1)
        closes = await branch_close(hours, name)
        return [
            opens.strftime("%H:%M %Z"),
            opens.tzname(),
            repr(opens),
            repr(later),
            repr(closes),
            closes.tzname(),
            repr(opens.tzinfo),
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


class Stamped(BaseModel):
    at: datetime
    closes: time


@action
async def parsed_stamp(text: str) -> datetime:
    """A datetime as pydantic parses it: its offset is pydantic's own tzinfo class."""
    return TypeAdapter(datetime).validate_python(text)


@action
async def stamped(at: str, closes: str) -> Stamped:
    return Stamped.model_validate({"at": at, "closes": closes})


@action
async def offset_of(when: datetime) -> list[object]:
    return [type(when.tzinfo).__name__, str(when.tzinfo), repr(when)]


@workflow
class ParsedOffsets(Workflow):
    """Datetimes and times pydantic parsed with a UTC offset (its `TzInfo`, not `timezone`)
    keep that class through an action's result, a model's field, an action's argument and the
    workflow's result: `tzname`, `str` and `repr` of the zone say what Python says."""

    async def run(self, text: str, closes: str) -> list[object]:
        when = await parsed_stamp(text)
        model = await stamped(text, closes)
        seen = await offset_of(when)
        moved = when + timedelta(hours=1)
        return [
            type(when.tzinfo).__name__,
            str(when.tzinfo),
            repr(when.tzinfo),
            when.tzname(),
            repr(when),
            repr(moved),
            when == model.at,
            type(model.at.tzinfo).__name__,
            repr(model.closes),
            model.closes.tzname(),
            seen,
            when.tzinfo == timezone(when.utcoffset()),
            when.astimezone(UTC).isoformat(),
            when,
            model,
        ]
