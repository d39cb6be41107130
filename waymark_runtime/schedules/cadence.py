"""Cadences: when a schedule fires. 5-field cron expressions (croniter) in UTC, or intervals.

Pure functions of epoch seconds: validation with precise messages, the first slot of a new
schedule, the slot after a fire, and the jitter offset. No clock, no database: the caller passes
`now`, so tests pin time and the scheduler stays the only place that reads the clock.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from waymark_runtime.errors import clipped
from waymark_runtime.schedules.model import Cadence, InvalidScheduleError

_CRON_FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")
_LONGEST_CRON = 1_000  # characters: every minute listed (`0,1,...,59`) is 170
_MOST_VALUES = 60  # comma-separated values of one field: a minute field's every value
# An interval or jitter longer than this is refused: a slot must stay a date PostgreSQL and
# `datetime` can hold (a `timedelta` reaches 2.7 million years).
_LONGEST_SECONDS = 100 * 366 * 86_400


def parse_cadence(schedule: str | timedelta) -> Cadence:
    """Validate a cron expression or an interval; raise `InvalidScheduleError` otherwise."""
    if isinstance(schedule, timedelta):
        return _interval(schedule)
    if isinstance(schedule, str):
        return _cron(schedule)
    raise InvalidScheduleError(
        "schedule must be a 5-field cron expression (str) or a datetime.timedelta, "
        f"got {type(schedule).__name__}"
    )


def _interval(every: timedelta) -> Cadence:
    seconds = every.total_seconds()
    if seconds <= 0:
        raise InvalidScheduleError(f"schedule interval must be positive, got {seconds:g}s")
    if seconds > _LONGEST_SECONDS:
        raise InvalidScheduleError(f"schedule interval must be at most 100 years, got {seconds:g}s")
    return Cadence(kind="interval", interval_seconds=seconds)


def _cron(expression: str) -> Cadence:
    problem = _cron_shape(expression)
    fields = expression.split()
    if problem is None:
        problem = _cron_problem(fields)
    if problem is not None:
        raise InvalidScheduleError(f"invalid cron expression {clipped(expression)}: {problem}")
    return Cadence(kind="cron", cron=" ".join(fields))


def _cron_shape(expression: str) -> str | None:
    """Why `expression` is not five fields of at most `_MOST_VALUES` values each, within
    `_LONGEST_CRON` characters: checked before croniter reads it (a list of 100,000 values
    takes it seconds, and the expression is stored whole)."""
    if len(expression) > _LONGEST_CRON:
        return f"it is {len(expression):,} characters long, more than {_LONGEST_CRON:,}"
    fields = expression.split()
    if len(fields) != 5:
        return f"expected 5 fields ({' '.join(_CRON_FIELDS)}), got {len(fields)}"
    for name, field in zip(_CRON_FIELDS, fields, strict=True):
        values = field.count(",") + 1
        if values > _MOST_VALUES:
            return f"{name} field has {values:,} values, more than {_MOST_VALUES}"
    return None


def _cron_problem(fields: list[str]) -> str | None:
    """Why croniter refuses `fields`, naming the first bad field when one is bad alone."""
    from croniter import CroniterBadDateError  # imported on use: `import waymark` stays fast

    for index, name in enumerate(_CRON_FIELDS):
        probe = ["*"] * 5
        probe[index] = fields[index]
        error = _croniter_error(probe)
        if error is not None:
            return f"{name} field {clipped(fields[index])} {_reason(error)}"
    error = _croniter_error(fields)
    if isinstance(error, CroniterBadDateError):
        return "it never matches a date"
    return None if error is None else _reason(error)


def _croniter_error(fields: list[str]) -> Exception | None:
    from croniter import CroniterError, croniter

    try:
        croniter(" ".join(fields), datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except (CroniterError, ValueError, KeyError) as error:
        return error
    return None


def _reason(error: Exception) -> str:
    text = str(error)
    if "out of range" in text:
        return "is out of range"
    if "step" in text:
        return "has an invalid step"
    return "is not valid"


def parse_jitter(jitter: timedelta | None, cadence: Cadence) -> float:
    """Jitter in seconds (0 for none); an interval's jitter must be shorter than the interval."""
    if jitter is None:
        return 0.0
    if not isinstance(jitter, timedelta):
        raise InvalidScheduleError(
            f"jitter must be a datetime.timedelta, got {type(jitter).__name__}"
        )
    seconds = jitter.total_seconds()
    if seconds < 0:
        raise InvalidScheduleError(f"jitter must not be negative, got {seconds:g}s")
    if seconds > _LONGEST_SECONDS:
        raise InvalidScheduleError(f"jitter must be at most 100 years, got {seconds:g}s")
    interval = cadence.interval_seconds
    if interval is not None and seconds >= interval:
        raise InvalidScheduleError(
            f"jitter ({seconds:g}s) must be shorter than the interval ({interval:g}s)"
        )
    return seconds


def first_slot(cadence: Cadence, now: float) -> float:
    """The first slot of a schedule registered at `now`: the next cron time, or now + interval."""
    if cadence.interval_seconds is not None:
        return now + cadence.interval_seconds
    return _cron_after(cadence, now)


def slot_after(cadence: Cadence, slot: float, now: float) -> float:
    """The slot after firing `slot` at `now`: the first one later than `now`.

    Intervals keep their phase (previous slot + k intervals), so a late fire does not drift the
    cadence; slots missed while far behind are skipped, never fired in a burst.
    """
    interval = cadence.interval_seconds
    if interval is None:
        return _cron_after(cadence, max(slot, now))
    if slot + interval > now:
        return slot + interval
    return slot + (math.floor((now - slot) / interval) + 1) * interval


def _cron_after(cadence: Cadence, moment: float) -> float:
    from croniter import croniter

    assert cadence.cron is not None
    start = datetime.fromtimestamp(moment, UTC)
    found: datetime = croniter(cadence.cron, start).get_next(datetime)
    return found.timestamp()


def jitter_offset(jitter_seconds: float, rng: random.Random) -> float:
    """A uniform delay in [0, jitter_seconds] added to a slot to get its fire time."""
    return rng.uniform(0.0, jitter_seconds) if jitter_seconds > 0 else 0.0
