"""The methods of a started task's handle: `t.done()`, `t.result()`, `t.exception()`,
`t.cancelled()` and `t.cancel()` (`ir.Join` with a `method`), as CPython's `asyncio.Task` has
them. None suspends: each reads or changes `Machine.started` and the task's turn.

`t.cancel()` of a task not yet ended asks for it to be cancelled, as CPython does: the task
takes its next turn (at once, if it waits on an action, a sleep or another task) with
`CancelledError` raised where it waits, so its `except` and `finally` blocks run; a task that
never ran yet ends cancelled without running. A task waiting in `await t` passes the cancel on
to `t`, unless it waits through `asyncio.shield(t)`. An action the task already dispatched keeps
running on its worker; its result is discarded. A cancel is taken within the step that asks
for it (the ready tasks run before a step ends), so nothing of it is saved.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeGuard

from waymark_runtime.interpreter.code import _NOTHING
from waymark_runtime.interpreter.persisted import JoinWait
from waymark_runtime.interpreter.started import Outcome, resumed
from waymark_runtime.interpreter.tasks import Task, abandoned
from waymark_runtime.values import ExceptionValue, error_json, exception_value
from waymark_runtime.values.callables import TaskValue
from waymark_runtime.values.structural import type_name

if TYPE_CHECKING:
    from waymark_runtime.interpreter.machine import Machine

Resumed = tuple[ExceptionValue | None, Any]
_CANCELLED = "asyncio.exceptions:CancelledError"


class TaskMethod:
    """What `await join(t).method()` asks of the machine: `method` of the handle `t`."""

    __slots__ = ("handle", "method")

    def __init__(self, handle: Any, method: str) -> None:
        self.handle = handle
        self.method = method


def call(machine: Machine, request: TaskMethod) -> Resumed:
    handle = request.handle
    if type(handle) is not TaskValue or handle.path not in machine.started:
        error = AttributeError(f"'{type_name(handle)}' object has no attribute '{request.method}'")
        return exception_value(error), _NOTHING
    node = handle.path
    if request.method == "cancel":
        return None, cancel(machine, node)
    return _METHODS[request.method](machine.started[node])


def cancel(machine: Machine, node: str) -> bool:
    """Ask the task of `node` to be cancelled: False when it has ended."""
    if machine.started.get(node) is not None or node in machine.cancelling:
        return machine.started.get(node) is None
    task = machine.tasks.get(node)
    if task is None:
        return False
    machine._park()
    wait = task.wait
    if joins_one(wait):
        return cancel(machine, wait.node)  # `await t`: as CPython's, cancels `t` instead
    # (through `await asyncio.shield(t)` the waiter alone is cancelled: `t` runs on)
    machine.cancelling.add(node)
    if task.wait is not None:  # it waits: what it waits on no longer resumes it
        for child in abandoned(list(machine.tasks.values()), task.calls):
            machine.tasks.pop(child.node or "", None)
        task.wait, task.calls, task.pending = None, [], 0
        machine.ready.append((task, None, None))  # (not `_NOTHING`: it has run)
    return True


def joins_one(wait: object) -> TypeGuard[JoinWait]:
    """A wait in `await t` of one started task, not shielded: a cancel of its waiter goes on
    to `t`, as CPython's."""
    return (type(wait) is JoinWait and bool(wait.node)
            and not (wait.nodes or wait.when or wait.shielded))  # fmt: skip


def turn(machine: Machine, task: Task, throw: ExceptionValue | None, value: Any) -> Resumed | None:
    """The turn of a task asked to be cancelled: `CancelledError` raised into it, or None when
    it never ran (it ends cancelled at once). The task that cancelled it waits on nothing of
    it, so a turn taken from a wait resumes it with nothing."""
    machine.cancelling.discard(task.node or "")
    if throw is None and value is _NOTHING:  # (what a task is first run with)
        from waymark_runtime.interpreter.started import settle

        del machine.tasks[task.node or ""]
        settle(machine, task, ("error", error_json(asyncio.CancelledError())))
        return None
    return exception_value(asyncio.CancelledError()), _NOTHING


def _is_cancelled(outcome: Outcome) -> bool:
    value = outcome[1]
    return outcome[0] == "error" and isinstance(value, dict) and value.get("type") == _CANCELLED


def _done(outcome: Outcome | None) -> Resumed:
    return None, outcome is not None


def _cancelled(outcome: Outcome | None) -> Resumed:
    return None, outcome is not None and _is_cancelled(outcome)


def _result(outcome: Outcome | None) -> Resumed:
    if outcome is None:
        return exception_value(asyncio.InvalidStateError("Result is not set.")), _NOTHING
    return resumed(outcome)


def _exception(outcome: Outcome | None) -> Resumed:
    if outcome is None:
        return exception_value(asyncio.InvalidStateError("Exception is not set.")), _NOTHING
    if outcome[0] == "ok":
        return None, None
    if _is_cancelled(outcome):
        return resumed(outcome)
    throw, _ = resumed(outcome)
    return None, throw


_METHODS = {"done": _done, "cancelled": _cancelled, "result": _result, "exception": _exception}
METHODS = frozenset({*_METHODS, "cancel"})
