"""The interpreter's side of `await self.wait_for_signal(name, Type, timeout=...)`.

A wait is an await like a sleep: the machine records a `SignalWait(node, name)` as its
pending wait and emits `WaitSignal`; the host answers with `SignalReceived` (the payload,
already validated by its sender) or, past the timeout, `SleepFinished` of the same node, which
raises `SignalTimeout` where the workflow waits.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from waymark_runtime.effects import WaitSignal
from waymark_runtime.errors import SignalTimeout
from waymark_runtime.interpreter.code import _NOTHING
from waymark_runtime.interpreter.persisted import SignalWait
from waymark_runtime.values import ExceptionValue, exception_value

if TYPE_CHECKING:
    from waymark_runtime.interpreter.machine import Machine


def wait(machine: Machine, request: tuple[str, Any]) -> tuple[ExceptionValue | None, Any] | None:
    """Start waiting for signal `name`; a malformed timeout raises where the workflow waits."""
    name, timeout = request
    try:
        seconds = None if timeout is None else _seconds(timeout)
    except (TypeError, ValueError) as error:
        return exception_value(error), _NOTHING
    node = machine._node()
    machine.wait = SignalWait(node=node, name=name)
    machine._waits_on((node,))
    frame = machine.frames[-1]
    site = frame.code.awaits[frame.pc]
    machine.effects.append(WaitSignal(node=node, name=name, timeout=seconds, site=site.node,
                                      iteration=machine._path()))  # fmt: skip
    return None


def _seconds(timeout: Any) -> float:
    """A timeout in seconds: a number, or a `timedelta` value; never negative."""
    if hasattr(timeout, "total_seconds"):
        timeout = timeout.total_seconds()
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    seconds = float(timeout)
    if math.isnan(seconds):
        raise ValueError("timeout must be a number of seconds, not nan")
    return max(seconds, 0.0)


def timed_out(wait: SignalWait) -> ExceptionValue:
    """The `SignalTimeout` a wait whose timeout passed raises."""
    return exception_value(SignalTimeout(f"no signal {wait.name!r} arrived before the timeout"))
