"""`run()` ended while tasks it started wait: as `asyncio.run` does once its coroutine has
ended, each such task is cancelled (`CancelledError` raised where it waits, so its `except`
and `finally` blocks run, and may await again; one that never ran never runs), and the
instance ends with `run()`'s result or exception once they all have ended.

Meanwhile the main stack is empty and `Machine.ending` holds what the instance ends with
(`SavedEnding`, saved with the state, so a restart resumes the tasks and ends the same way).
Tasks started during that cleanup are not waited for, as `asyncio.run` waits only for those
it cancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter import task_methods
from waymark_runtime.interpreter.leaving import encoded
from waymark_runtime.interpreter.limits import place_of
from waymark_runtime.interpreter.persisted import SavedEnding
from waymark_runtime.values import ExceptionValue

if TYPE_CHECKING:
    from waymark_runtime.interpreter.code import Frame
    from waymark_runtime.interpreter.machine import Machine


def defer(machine: Machine, throw: ExceptionValue | None, value: Any, frame: Frame) -> bool:
    """`run()` ended: True when tasks it started still run (cancelled now, the end put off)."""
    left = tuple(node for node in _running(machine, tuple(machine.started)))
    if not left:
        return False
    try:
        if throw is None:
            ending = SavedEnding(status="ok", value=encoded(machine.guards, value), tasks=left)
        else:
            error = encoded(machine.guards, throw)
            if isinstance(error, dict):
                error = {**error, "where": place_of(frame.code, frame.pc)}
            ending = SavedEnding(status="error", value=error, tasks=left)
    except WaymarkError as refused:
        machine._refuse(refused, frame)
        return True
    machine.ending = ending
    for node in left:
        task_methods.cancel(machine, node)
    return True


def check(machine: Machine) -> None:
    """End the instance once the tasks cancelled at `run()`'s end have all ended."""
    ending = machine.ending
    if ending is None or machine.status != "running" or any(_running(machine, ending.tasks)):
        return
    machine.ending = None
    if ending.status == "ok":
        machine._completed(ending.value)
    else:
        machine._fail(ending.value)


def _running(machine: Machine, nodes: tuple[str, ...]) -> Any:
    return (n for n in nodes if machine.started.get(n) is None and n in machine.tasks)
