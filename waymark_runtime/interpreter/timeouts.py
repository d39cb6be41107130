"""`asyncio.wait_for(asyncio.gather(...), seconds)`: a durable timer over a whole gather.

The gather dispatches its calls as any gather does, and a timer (`StartSleep`) is started with
them; `Machine.deadlines` maps the timer's node to the gather's first call. When the timer
passes while the task that awaits the gather still waits on it, the gather is abandoned as a
failed one is (its helpers' tasks stop where they wait; actions already handed to a worker
still run, their results unread) and a plain `TimeoutError` is raised at the await, as CPython
cancels the gather and raises it. A gather that ends first leaves its timer to pass unheeded.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from waymark_runtime.effects import StartSleep
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite
from waymark_runtime.interpreter.sleeps import _FOREVER
from waymark_runtime.values import ExceptionValue, exception_value

if TYPE_CHECKING:
    from waymark_runtime.interpreter.machine import Machine


def early(seconds: Any, calls: list[Any]) -> tuple[ExceptionValue | None, Any] | None:
    """How the await ends at once, before anything is dispatched: a timeout that is not a
    number raises CPython's `TypeError`, and one of zero or less ends an empty gather with `[]`
    and any other with `TimeoutError` (its calls cancelled before they start); else None."""
    if seconds is None:
        return None
    try:
        passed = seconds <= 0
    except TypeError as error:
        return exception_value(error), _NOTHING
    if not passed:
        return None
    return (None, []) if not calls else (exception_value(TimeoutError()), _NOTHING)


def start(machine: Machine, site: AwaitSite, seconds: Any, first: str) -> None:
    """The timer of the gather whose first call is `first`."""
    delay = float(seconds)
    if math.isnan(delay) or not delay < _FOREVER:
        delay = _FOREVER
    node = machine._node()
    machine.deadlines[node] = first
    machine.effects.append(
        StartSleep(node=node, seconds=delay, site=site.node, iteration=machine._path())
    )


def expire(machine: Machine, timer: str) -> None:
    """Timer `timer` passed: the task still waiting on its gather resumes with TimeoutError."""
    first = machine.deadlines.pop(timer)
    if not first:  # the timer of an `asyncio.wait`
        from waymark_runtime.interpreter.waited import expire as wait_expired  # (a cycle)

        wait_expired(machine, timer)
        return
    machine._park()
    for task in machine.tasks.values():
        if task.holds(first):
            machine._enter(task)
            machine._resume_with(exception_value(TimeoutError()), _NOTHING)
            return
