"""Checks of the options a caller passes with a run or a schedule, made before anything is written.

PostgreSQL keeps a priority in 32 bits, cannot store a NUL character or a lone surrogate (a
string that is not valid UTF-8, `"\\udcff"`) in text nor index a name of thousands of bytes,
and a flag given as a string (`_blocking="no"`) would silently read as true; each is refused
here with a message naming the option, never left to fail (or succeed wrongly) in the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from waymark_runtime.errors import WaymarkError, clipped

_INT32 = range(-(2**31), 2**31)
MAX_NAME_BYTES = 1000
"""The longest name or key (UTF-8 bytes): PostgreSQL indexes a workflow name with a schedule
name or an idempotency key, and refuses an index entry past 2,704 bytes."""
_LONGEST = timedelta.max.total_seconds()


class InvalidOptionError(WaymarkError, ValueError):
    """invalid option"""


def checked_priority(
    value: object, option: str = "_priority", error: type[InvalidOptionError] = InvalidOptionError
) -> int:
    """The priority (None is 0): an integer that fits PostgreSQL's 32-bit column."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{option} must be an integer, got {clipped(value)}")
    if value not in _INT32:
        raise error(f"{option} must fit in 32 bits, got {value}")
    return value


def checked_flag(
    value: object, option: str, error: type[InvalidOptionError] = InvalidOptionError
) -> bool:
    """A flag given as a real bool (`"no"` would be truthy)."""
    if not isinstance(value, bool):
        raise error(f"{option} must be True or False, got {clipped(value)}")
    return value


def checked_name(value: object, option: str, error: type[WaymarkError] = InvalidOptionError) -> str:
    """A non-empty name PostgreSQL can store and index (no NUL character, valid UTF-8, at
    most MAX_NAME_BYTES)."""
    if not isinstance(value, str) or not value.strip():
        raise error(f"{option} must be a non-empty string, got {clipped(value)}")
    checked_text(value, option, error)
    if len(value) * 4 > MAX_NAME_BYTES and len(value.encode()) > MAX_NAME_BYTES:
        raise error(
            f"{option} must be at most {MAX_NAME_BYTES:,} bytes of UTF-8, got "
            f"{len(value.encode()):,}: {clipped(value)}"
        )
    return value


def checked_text(value: str, option: str, error: type[WaymarkError] = InvalidOptionError) -> str:
    """A string PostgreSQL can store in a text column or compare with one: no NUL character,
    no lone surrogate (which is not UTF-8)."""
    if "\x00" in value:
        raise error(f"{option} must not contain a NUL character, got {clipped(value)}")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            message = f"{option} must be valid UTF-8 (no lone surrogate), got {clipped(value)}"
            raise error(message) from None
    return value


def checked_key(
    value: object,
    option: str = "_idempotency_key",
    error: type[InvalidOptionError] = InvalidOptionError,
) -> str | None:
    """An idempotency key (None for none): a non-empty string PostgreSQL can store."""
    return None if value is None else checked_name(value, option, error)


def checked_timeout(
    value: object, option: str = "_timeout", error: type[InvalidOptionError] = InvalidOptionError
) -> float | None:
    """A workflow deadline as seconds from the start (None for none): a positive duration
    given as a `timedelta` or a number of seconds."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise error(f"{option} must be a timedelta or a number of seconds, got {clipped(value)}")
    if not (0 < seconds < _LONGEST):
        raise error(f"{option} must be positive and finite, got {clipped(value)}")
    return seconds


def checked_wait(value: object, option: str = "timeout") -> float | None:
    """How long a client waits for an outcome (None: until it comes): a timedelta or a number
    of seconds, zero or more; an infinite one (or one past a float) is None."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidOptionError(
            f"{option} must be a number of seconds or None, got {clipped(value)}"
        )
    try:
        seconds = float(value)
    except OverflowError:
        return None
    if not seconds >= 0:  # NaN too
        raise InvalidOptionError(f"{option} must be zero or more seconds, got {clipped(value)}")
    return None if seconds == math.inf else seconds


@dataclass(frozen=True, slots=True, kw_only=True)
class StartOptions:
    """How a workflow instance is started (`run(..., _blocking=, _priority=, ...)`), checked."""

    blocking: bool = True
    priority: int = 0
    idempotency_key: str | None = None
    """One instance per (workflow, key): a start with a taken key joins that instance."""
    timeout: float | None = None
    """Seconds from the start after which an unfinished instance ends as `WorkflowTimeout`."""

    @classmethod
    def checked(
        cls,
        *,
        blocking: object = True,
        priority: object = None,
        idempotency_key: object = None,
        timeout: object = None,
    ) -> StartOptions:
        return cls(
            blocking=checked_flag(blocking, "_blocking"),
            priority=checked_priority(priority),
            idempotency_key=checked_key(idempotency_key),
            timeout=checked_timeout(timeout),
        )

    def deadline(self, now: float) -> float | None:
        return None if self.timeout is None else now + self.timeout
