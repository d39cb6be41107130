"""The methods of plain values a workflow may call (`str.count`, `date.replace`, a match's
`group`): those of `vocabulary.PURE_METHODS` each type has, never one that reads the clock or
the machine's time zone; a user class's own method is refused by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.attributes import STANDARD_TUPLES, no_attribute
from waymark_runtime.interpreter.regexes import PATTERN_METHODS
from waymark_runtime.values import (
    MODEL_VALUES,
    STRUCTURAL_VALUES,
    ExceptionValue,
    find_class,
    plain_value,
)
from waymark_runtime.values.enums import MIXES
from waymark_runtime.values.matches import MATCH_METHODS, MatchValue
from waymark_runtime.vocabulary import PURE_METHODS, ZONE_EXAMPLES


def _public(cls: type, *, without: Iterable[str] = ()) -> frozenset[str]:
    return frozenset(n for n in dir(cls) if not n.startswith("_")) - frozenset(without)


_CLOCK = ("now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp")

_RECEIVERS = (str, list, dict, Counter, OrderedDict, defaultdict, deque, ChainMap, set, frozenset, tuple, int, bool, float,
              bytes, range, dt.datetime, dt.date, dt.time, dt.timedelta, dt.timezone, ZoneInfo,
              Decimal, Fraction, PurePosixPath, *STANDARD_TUPLES)  # fmt: skip

# The methods of `PURE_METHODS` each plain type has (`date.replace`, `str.count`, ...).
METHODS: dict[type, frozenset[str]] = {
    kind: _public(kind, without=_CLOCK) & PURE_METHODS for kind in _RECEIVERS
}


REGEX_METHODS = {MatchValue: MATCH_METHODS, re.Pattern: PATTERN_METHODS}
REGEX_VALUES = frozenset(REGEX_METHODS)

DATA_TYPES = MIXES  # the receivers whose methods see a mixed member as its value


def allowed_method(obj: Any, name: str) -> tuple[Any, Callable[..., Any]]:
    """The receiver (an enum member's value for its data type's methods) and the method."""
    obj = plain_value(obj)  # `Tier.PRO.upper()`: str's own method
    kind = type(obj)
    if isinstance(obj, tuple) and name in ("_replace", "_asdict") and hasattr(kind, "_fields"):
        return obj, getattr(obj, name)  # a named tuple's own
    if kind not in METHODS and isinstance(obj, tuple):  # a named tuple: a tuple's methods
        kind = tuple
    allowed = METHODS.get(kind)
    if allowed is None or name not in allowed:
        if kind in MODEL_VALUES or kind is ExceptionValue:
            _refuse_own_method(obj, name)
        if kind in STRUCTURAL_VALUES or not hasattr(obj, name):
            raise no_attribute(obj, name)
        raise ProgramError(f"`{kind.__name__}.{name}()` is not allowed in a workflow")
    if name == "astimezone":
        return obj, zone_given(obj.astimezone, "astimezone()", 0)
    if name == "timestamp" and obj.utcoffset() is None:
        raise ProgramError(
            "`timestamp()` of a naive datetime reads the machine's local time zone: give it a "
            "zone first (`moment.replace(tzinfo=timezone.utc).timestamp()`)"
        )
    return obj, getattr(obj, name)


def _refuse_own_method(obj: Any, name: str) -> None:
    """A method of the value's own class named like a `str` or `list` method (`order.count()`:
    the compiler cannot tell): refused, as the compiler refuses other methods (WM141)."""
    cls = find_class(obj.type)
    if cls is not None and callable(getattr(cls, name, None)):
        raise ProgramError(
            f"`{cls.__name__}.{name}()` is a method of the class, which a workflow does not run "
            "(methods of user classes can do anything): call it inside an action"
        )


def zone_given(function: Callable[..., Any], name: str, position: int) -> Callable[..., Any]:
    """`moment.astimezone(zone)`, `datetime.fromtimestamp(ts, zone)`: the zone is the argument
    at `position` or `tz=`; without one they would read the machine's own."""

    def convert(*args: Any, **kwargs: Any) -> Any:
        zone = args[position] if len(args) > position else kwargs.get("tz")
        if zone is None:
            raise ProgramError(
                f"`{name}` without a zone reads the machine's local time zone: pass one "
                f"({ZONE_EXAMPLES[name]})"
            )
        return function(*args, **kwargs)

    return convert
