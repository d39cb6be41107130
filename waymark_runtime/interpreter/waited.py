"""`done, pending = await asyncio.wait(tasks, timeout=t, return_when=...)` of started tasks'
handles (`ir.WaitTasks`): the sets of the tasks that have ended and of the others, once the
condition holds or the timeout passes, as CPython's `asyncio.wait` gives them.

The task that waits holds a `JoinWait` whose `when` is the condition: every task of it that
ends (`started.settle`) checks it again. A timeout is a durable timer (`StartSleep`) that
`Machine.deadlines` maps to "" (no call of a gather): when it passes while the wait still
holds it, the wait ends with the sets as they are then; one that passes later is ignored.
Nothing is cancelled: the pending tasks run on, as in CPython.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from waymark_runtime import ir
from waymark_runtime.effects import StartSleep
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite
from waymark_runtime.interpreter.persisted import JoinWait
from waymark_runtime.interpreter.sleeps import _FOREVER
from waymark_runtime.values import ExceptionValue, exception_value
from waymark_runtime.values.callables import TaskValue
from waymark_runtime.values.structural import type_name

if TYPE_CHECKING:
    from waymark_runtime.interpreter.expressions import ExprCompiler
    from waymark_runtime.interpreter.machine import Machine
    from waymark_runtime.interpreter.tasks import Task

Resumed = tuple[ExceptionValue | None, Any]
WHEN = frozenset({"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "NEXT"})
_CANCELLED = "asyncio.exceptions:CancelledError"


@dataclass(frozen=True, slots=True)
class Waiting:
    """What `await wait(tasks, when, timeout=t)` asks of the machine, evaluated."""

    tasks: Any
    when: str
    timeout: Any
    deadline: str | None = None  # `as_completed`'s local holding its deadline (`completing`)
    left: str = ""  # and the local holding the handles not given yet


def await_WaitTasks(op: ir.WaitTasks, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    tasks = exprs.compile(op.tasks)
    timeout = exprs.compile(op.timeout) if op.timeout is not None else None
    when, deadline = op.return_when, op.deadline
    left = op.tasks.id if isinstance(op.tasks, ir.Name) else ""

    def request(env: Any) -> Waiting:
        return Waiting(tasks(env), when, None if timeout is None else timeout(env), deadline, left)

    return AwaitSite(kind="wait", assign=assign), request


def wait(machine: Machine, site: AwaitSite, waiting: Waiting) -> Resumed | None:
    """The sets now if the condition holds, else wait for it (None)."""
    if waiting.deadline is not None:
        from waymark_runtime.interpreter.completing import next_done  # (it imports this)

        return next_done(machine, site, waiting)
    nodes = _nodes(machine, waiting.tasks, waiting.when)
    if isinstance(nodes, ExceptionValue):
        return nodes, _NOTHING
    timeout = waiting.timeout
    if timeout is not None and not isinstance(timeout, int | float):
        error = TypeError(f"'<=' not supported between instances of '{type(timeout).__name__}'")
        return exception_value(error), _NOTHING
    held = JoinWait(node=nodes[0], nodes=nodes, when=waiting.when)
    if (ended := _ended(machine, held)) is not None:
        return None, ended
    if timeout is not None:
        held = replace(held, timer=_timer(machine, site, timeout))
    machine.wait = _first_running(machine, held)
    return None


def _nodes(machine: Machine, tasks: Any, when: str) -> tuple[str, ...] | ExceptionValue:
    """The nodes of the handles `tasks` holds (each once), or the exception CPython raises."""
    if type(tasks) is TaskValue:
        return exception_value(TypeError("expect a list of futures, not Task"))
    try:
        handles = list(tasks)
    except TypeError as error:
        return exception_value(error)
    nodes: dict[str, None] = {}
    for handle in handles:
        if type(handle) is not TaskValue or handle.path not in machine.started:
            if when == "NEXT":  # (`as_completed` wraps each in a task first)
                required = "An asyncio.Future, a coroutine or an awaitable is required"
                return exception_value(TypeError(required))
            name = type_name(handle)  # (CPython 3.11 asks each for its callback)
            missing = AttributeError(f"'{name}' object has no attribute 'add_done_callback'")
            return exception_value(missing)
        nodes[handle.path] = None
    if not nodes:
        return exception_value(ValueError("Set of Tasks/Futures is empty."))
    return tuple(nodes)


def _timer(machine: Machine, site: AwaitSite, timeout: float) -> str:
    delay = max(float(timeout), 0.0)
    if math.isnan(delay) or not delay < _FOREVER:
        delay = _FOREVER
    node = machine._node()
    machine.deadlines[node] = ""
    effect = StartSleep(node=node, seconds=delay, site=site.node, iteration=machine._path())
    machine.effects.append(effect)
    return node


def _ended(machine: Machine, wait: JoinWait) -> Any:
    """The (done, pending) sets once `wait`'s condition holds, else None (for `NEXT`, the
    handle of the first task of `wait.nodes` that has ended)."""
    outcomes = [machine.started.get(node) for node in wait.nodes]
    done = [outcome is not None for outcome in outcomes]
    if wait.when == "NEXT":  # `asyncio.as_completed`'s next: the first to have ended
        return next((TaskValue(n) for n, d in zip(wait.nodes, done, strict=True) if d), None)
    holds = all(done)
    if wait.when == "FIRST_COMPLETED":
        holds = any(done)
    elif wait.when == "FIRST_EXCEPTION":
        holds = holds or any(o is not None and o[0] == "error" and not _cancelled(o[1])
                             for o in outcomes)  # fmt: skip
    return _sets(wait, done) if holds else None


def _cancelled(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == _CANCELLED


def _sets(wait: JoinWait, done: list[bool]) -> tuple[set[TaskValue], set[TaskValue]]:
    ended = {TaskValue(n) for n, d in zip(wait.nodes, done, strict=True) if d}
    return ended, {TaskValue(n) for n, d in zip(wait.nodes, done, strict=True) if not d}


def _first_running(machine: Machine, wait: JoinWait) -> JoinWait:
    node = next(node for node in wait.nodes if machine.started.get(node) is None)
    return replace(wait, node=node)


def rejoin(machine: Machine, waiting: Task, wait: JoinWait, node: str) -> None:
    """Task `node`, which `waiting`'s wait holds, has ended: the wait hears of it in its turn
    (as asyncio runs the wait's done callback after the tasks already ready, so the sets hold
    every task that ended in the same turn); `as_completed`'s next takes it at once."""
    if wait.when == "NEXT":
        _check(machine, waiting, wait)
        return
    machine.ready.append((None, None, partial(_heard, waiting=waiting, node=node)))


def _heard(machine: Machine, waiting: Task, node: str) -> None:
    if machine.tasks.get(waiting.node or "") is not waiting:
        return
    machine._park()
    wait = waiting.wait
    if type(wait) is JoinWait and wait.when and node in wait.nodes:
        _check(machine, waiting, wait)


def _check(machine: Machine, waiting: Task, wait: JoinWait) -> None:
    """`waiting` resumes if its wait's condition holds now."""
    ended = _ended(machine, wait)
    if ended is None:
        waiting.wait = _first_running(machine, wait)
        if machine.task is waiting:  # (parked: the machine holds its wait too)
            machine.wait = waiting.wait
        return
    _resume(machine, waiting, ended)


def expire(machine: Machine, timer: str) -> None:
    """Timer `timer` passed: the wait that holds it, if any still does, ends with the sets."""
    machine._park()
    for task in list(machine.tasks.values()):
        wait = task.wait
        if type(wait) is JoinWait and wait.timer == timer:
            done = [machine.started.get(node) is not None for node in wait.nodes]
            _resume(machine, task, _sets(wait, done))
            return


def _resume(machine: Machine, waiting: Task, ended: Any) -> None:
    waiting.wait = None
    if machine.task is waiting:  # (parked: the machine holds its wait too)
        machine.wait = None
    machine.moves += 1
    machine.ready.append((waiting, None, ended))
    machine._enter(machine.main)
