"""Datetimes and times across the JSON boundary: their ISO text, and what the text cannot say.

The text gives the wall time and, when the value is aware, its UTC offset. Beside it go the zone
(`"zone"`: a `zoneinfo` key; `"name"`: the name given to a fixed offset, `timezone(offset,
"EST")`; `"tz": "pydantic"`: an offset pydantic parsed, its own `TzInfo` class) and `"fold": 1`. A naive or UTC value is its text alone, read by `fromisoformat` and
nothing more: those are most values, and they pay for no other check.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from waymark_runtime.values.structural import JSON

_Moment = TypeVar("_Moment", dt.datetime, dt.time)


def moment_json(tag: str, value: dt.datetime | dt.time) -> JSON:
    """A datetime or time (`tag`) as its ISO text, with its zone and fold when it has them."""
    out: dict[str, Any] = {"$t": tag, "v": value.isoformat()}
    zone = value.tzinfo
    if zone is not None and zone is not dt.UTC:  # (UTC, the usual zone, has no name to look up)
        if type(zone) is dt.timezone:
            name = given_name(zone)
            if name is not None:
                out["name"] = name
        elif isinstance(zone, ZoneInfo) and isinstance(zone.key, str):
            out["zone"] = zone.key  # so daylight saving time still applies after a round trip
        elif _is_pydantic_zone(zone):  # its str, repr and tzname are not `timezone`'s
            out["tz"] = "pydantic"
    if value.fold:
        out["fold"] = 1
    return out


def _is_pydantic_zone(zone: dt.tzinfo) -> bool:
    # a `TzInfo` exists only once pydantic-core is loaded, which a worker may never do
    core = sys.modules.get("pydantic_core")
    return core is not None and type(zone) is core.TzInfo


def given_name(zone: dt.timezone) -> str | None:
    """The name a fixed offset was given (`timezone(offset, "EST")`), or None (`UTC-05:00`)."""
    # How `timezone` pickles (C and pure Python alike): (offset,) or (offset, name).
    args: tuple[Any, ...] = zone.__getinitargs__()  # type: ignore[attr-defined]
    return args[1] if len(args) > 1 else None


def datetime_value(value: JSON) -> dt.datetime:
    """A datetime in its `zoneinfo` zone when this machine knows the key (else at the offset
    of its text), or at its named offset."""
    moment = dt.datetime.fromisoformat(value["v"])
    if len(value) == 2:  # `$t` and `v` only: the text says it all
        return moment
    zone = _known_zone(value.get("zone"))
    if zone is not None and moment.tzinfo is not None:
        return _in_zone(moment, zone, _fold(value))
    return _named(moment, value)


def time_value(value: JSON) -> dt.time:
    """A time in its `zoneinfo` zone when this machine knows the key (else as its text gives
    it: naive, as a zone with daylight saving time gives a time no offset), or at its named
    offset."""
    moment = dt.time.fromisoformat(value["v"])
    if len(value) == 2:
        return moment
    zone = _known_zone(value.get("zone"))
    if zone is not None:
        return moment.replace(tzinfo=zone, fold=_fold(value))
    return _named(moment, value)


def _in_zone(moment: dt.datetime, zone: ZoneInfo, fold: int) -> dt.datetime:
    """`moment` (at the offset of its text) in `zone` at the same wall time, with the fold that
    gives the offset of the text: the one stored, else the other (values stored before folds
    were, of a wall time a daylight saving change repeats). A wall time the change skips (02:30
    as clocks go from 02:00 to 03:00) stays as written, as in Python. Where neither fold gives
    that offset (this machine's rules for the zone differ from the writer's): the same instant."""
    offset = moment.utcoffset()
    for each in (fold, 1 - fold):
        placed = _wall_time_in(zone, moment, each)
        if placed.utcoffset() == offset:
            return placed
    return moment.astimezone(zone)


def _wall_time_in(zone: ZoneInfo, moment: dt.datetime, fold: int) -> dt.datetime:
    """`moment.replace(tzinfo=zone, fold=fold)` for a `moment` read from text (fold 0):
    `replace` takes several times as long."""
    wall = moment.time()
    if fold:
        wall = dt.time(wall.hour, wall.minute, wall.second, wall.microsecond, fold=1)
    return dt.datetime.combine(moment, wall, zone)


def _named(moment: _Moment, value: JSON) -> _Moment:
    """`moment` with its fold, and at its offset under the name it was given, if any (or in
    pydantic's `TzInfo`, where pydantic had put it)."""
    name = value.get("name")
    offset = moment.utcoffset()
    if isinstance(name, str) and offset is not None:
        moment = moment.replace(tzinfo=dt.timezone(offset, name))
    elif value.get("tz") == "pydantic" and offset is not None:
        from pydantic_core import TzInfo  # (imported here: only such a value needs pydantic)

        moment = moment.replace(tzinfo=TzInfo(offset // dt.timedelta(seconds=1)))
    return moment.replace(fold=_fold(value))


def _fold(value: JSON) -> int:
    return 1 if value.get("fold") == 1 else 0


def _known_zone(key: Any) -> ZoneInfo | None:
    """The zone `key` names, if it is one this machine knows (`ZoneInfo` refuses paths)."""
    if not isinstance(key, str):
        return None
    try:
        return ZoneInfo(key)
    except (ValueError, OSError, ZoneInfoNotFoundError):
        return None
