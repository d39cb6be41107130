"""The interpreter's side of `await asyncio.sleep(seconds)`: a durable sleep.

The machine records a `SleepWait(node)` as its pending wait and emits `StartSleep`; the host
answers with `SleepFinished` once the delay has passed. The delay is checked as Python's
`asyncio.sleep` checks it (no clock here: the host owns time).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from waymark_runtime.effects import StartSleep
from waymark_runtime.interpreter.code import _NOTHING
from waymark_runtime.interpreter.persisted import SleepWait
from waymark_runtime.values import ExceptionValue, exception_value

if TYPE_CHECKING:
    from waymark_runtime.interpreter.machine import Machine

# The longest durable sleep: a hundred years, what `asyncio.sleep(math.inf)` is taken
# for: Python's never ends, and a stored deadline must be a date.
_FOREVER = 100 * 365.25 * 24 * 3600.0
NAN_SLEEP_RAISES = sys.version_info >= (3, 13)


def sleep(machine: Machine, seconds: Any) -> tuple[ExceptionValue | None, Any] | None:
    """Start sleeping; returns how to resume at once (no delay, a bad one), or None to wait."""
    try:
        if seconds <= 0:  # no wait, but a turn of the event loop
            return machine.yielded()
        seconds = float(seconds)
    except Exception as error:  # `asyncio.sleep("x")` raises where it is awaited
        return exception_value(error), _NOTHING
    if seconds != seconds and NAN_SLEEP_RAISES:  # as Python 3.13's `asyncio.sleep` does
        return exception_value(ValueError("Invalid delay: NaN (not a number)")), _NOTHING
    if seconds != seconds:  # NaN before 3.13: its timer is due at once, so it returns
        return machine.yielded()
    if not seconds < _FOREVER:  # infinity: Python's sleep never ends either
        seconds = _FOREVER
    node = machine._node()
    machine.wait = SleepWait(node=node)
    machine._waits_on((node,))
    frame = machine.frames[-1]
    site = frame.code.awaits[frame.pc]
    machine.effects.append(StartSleep(node=node, seconds=seconds, site=site.node,
                                      iteration=machine._path()))  # fmt: skip
    return None
