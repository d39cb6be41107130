"""`for fut in asyncio.as_completed(tasks, timeout=t)`: one deadline over the whole loop.

Each turn is `_h = await wait(_left, NEXT, timeout=_t, deadline=_d)` (`ir.WaitTasks.deadline`
names the local `_d`). The first turn arms the deadline, as CPython arms it when the loop
starts: `_d` goes from False to None (no timeout, or an infinite one) or to `(node, left)`,
a durable timer (`StartSleep`) kept in `Machine.timers` as an `asyncio.timeout` block's is
(the task, the depth of its frame, `_d`). A timeout that is not a number raises CPython's
`TypeError` there.

When the timer passes while `_d` still holds it, `_d` becomes `(node, left, ended)`: the tasks
of `left` that had ended by then, which later turns still give first (in list order), and a
turn that waits is resumed. Every turn after those gives the handle of the deadline's node, a
task that ended with `TimeoutError`: `await fut` raises it there, as CPython's does. Nothing is
cancelled. A timeout of zero or less (or NaN, which asyncio's timer treats as due) passes at
once: only tasks that had ended when the loop started come before `TimeoutError`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from waymark_runtime.effects import StartSleep
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite, Env
from waymark_runtime.interpreter.leaving import encoded
from waymark_runtime.interpreter.persisted import JoinWait
from waymark_runtime.interpreter.sleeps import _FOREVER
from waymark_runtime.values import ExceptionValue, exception_value
from waymark_runtime.values.callables import TaskValue

if TYPE_CHECKING:
    from waymark_runtime.interpreter.machine import Machine
    from waymark_runtime.interpreter.tasks import Task
    from waymark_runtime.interpreter.waited import Resumed, Waiting


def next_done(machine: Machine, site: AwaitSite, waiting: Waiting) -> Resumed | None:
    """One turn: the next task of `waiting.left` to have ended, the deadline's handle once it
    passed and none of those that ended before it is left, else wait (None)."""
    from waymark_runtime.interpreter import waited  # (it calls this)

    env = machine.frames[-1].env
    name = waiting.deadline
    assert name is not None
    nodes = waited._nodes(machine, waiting.tasks, waiting.when)
    if isinstance(nodes, ExceptionValue):
        return nodes, _NOTHING
    if env.get(name) is False:  # (the tasks are made before the timer, as in CPython)
        armed = _arm(machine, site, waiting.timeout, waiting.left, name)
        if isinstance(armed, ExceptionValue):
            return armed, _NOTHING
    state = env[name]
    if type(state) is tuple and len(state) == 3:
        node, _, ended = state
        first = next((TaskValue(n) for n in nodes if n in ended), None)
        return None, first if first is not None else _timed_out(machine, node)
    held = JoinWait(node=nodes[0], nodes=nodes, when="NEXT", timer=state[0] if state else "")
    if (first := waited._ended(machine, held)) is not None:
        return None, first
    machine.wait = waited._first_running(machine, held)
    return None


def _arm(
    machine: Machine, site: AwaitSite, timeout: Any, left: str, name: str
) -> ExceptionValue | None:
    """The first turn: `_d` becomes the loop's deadline (None when there is none)."""
    frame = machine.frames[-1]
    if timeout is None:
        frame.env[name] = None
        return None
    try:
        delay = float(0.0 + timeout)  # (CPython's `loop.time() + timeout`)
    except TypeError as error:
        return exception_value(error)
    if delay == math.inf:
        frame.env[name] = None
        return None
    node = machine._node()
    if math.isnan(delay) or delay <= 0:  # due at once: only tasks already ended come first
        frame.env[name] = (node, left, _ended(machine, frame.env[left]))
        return None
    machine.timers[node] = (machine.task.node or "", len(machine.frames) - 1, name)
    frame.env[name] = (node, left)
    effect = StartSleep(node=node, seconds=min(delay, _FOREVER), site=site.node,
                        iteration=machine._path())  # fmt: skip
    machine.effects.append(effect)
    return None


def _ended(machine: Machine, handles: Any) -> tuple[str, ...]:
    """The nodes of `handles` whose tasks have ended."""
    return tuple(h.path for h in handles
                 if type(h) is TaskValue and machine.started.get(h.path) is not None)  # fmt: skip


def _timed_out(machine: Machine, node: str) -> TaskValue:
    """The handle `await fut` raises `TimeoutError` at: the deadline's node, ended so."""
    if node not in machine.started:
        machine.started[node] = ("error", encoded(machine.guards, exception_value(TimeoutError())))
    return TaskValue(node)


def passed(machine: Machine, task: Task, env: Env, name: str, node: str) -> None:
    """The deadline `node` held by `env[name]` passed: the tasks ended by now are kept, and
    the turn waiting, if one is, resumes with the deadline's handle."""
    from waymark_runtime.interpreter.waited import _resume  # (it imports this module)

    env[name] = (node, env[name][1], _ended(machine, env[env[name][1]]))
    wait = task.wait
    if type(wait) is JoinWait and wait.when == "NEXT" and wait.timer == node:
        _resume(machine, task, _timed_out(machine, node))
