"""Checks of the options a caller passes with a run or a schedule, made before anything is written.

PostgreSQL keeps a priority in 32 bits and cannot store a NUL character in text, and a flag
given as a string (`_blocking="no"`) would silently read as true; each is refused here with a
message naming the option, never left to fail (or succeed wrongly) in the database.
"""

from __future__ import annotations

from waymark_runtime.errors import WaymarkError

_INT32 = range(-(2**31), 2**31)


class InvalidOptionError(WaymarkError, ValueError):
    """invalid option"""


def checked_priority(
    value: object, option: str = "_priority", error: type[InvalidOptionError] = InvalidOptionError
) -> int:
    """The priority (None is 0): an integer that fits PostgreSQL's 32-bit column."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{option} must be an integer, got {value!r}")
    if value not in _INT32:
        raise error(f"{option} must fit in 32 bits, got {value}")
    return value


def checked_flag(
    value: object, option: str, error: type[InvalidOptionError] = InvalidOptionError
) -> bool:
    """A flag given as a real bool (`"no"` would be truthy)."""
    if not isinstance(value, bool):
        raise error(f"{option} must be True or False, got {value!r}")
    return value


def checked_name(
    value: object, option: str, error: type[InvalidOptionError] = InvalidOptionError
) -> str:
    """A non-empty name PostgreSQL can store (no NUL character)."""
    if not isinstance(value, str) or not value.strip():
        raise error(f"{option} must be a non-empty string, got {value!r}")
    if "\x00" in value:
        raise error(f"{option} must not contain a NUL character, got {value!r}")
    return value
