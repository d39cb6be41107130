"""`async with asyncio.timeout(seconds):` — one durable timer over a block (`ir.Timer`).

The compiler writes the block as `await timer(_t, seconds)` then a `try` whose handlers turn
the block's cancellation into `TimeoutError` and clear `_t` on every way out (`lower.timeouts`).
Starting the timer does not wait: `_t` gets its token (its node; None for `timeout(None)`) and
`Machine.timers` maps the node to where `_t` lives (the task, the depth of its frame, the name).

When the timer passes while that frame's `_t` still holds its token, the task is inside the
block, waiting: its wait is abandoned as a gather's that raises is (helper tasks of a gather
stop where they wait; actions already handed to a worker still run, their results unread),
`_t` is set to True and `asyncio.CancelledError` is raised at the wait, as CPython cancels the
task. Any other time the timer passes unheeded. Timers of nested blocks are independent: the
first to pass cancels, and only the block whose `_t` is True turns that into `TimeoutError`.

`Machine.timers` also holds the deadlines of `asyncio.as_completed(..., timeout=t)` loops,
whose token is a tuple (`interpreter.completing`): passing, one cancels nothing.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from waymark_runtime import ir
from waymark_runtime.effects import StartSleep
from waymark_runtime.interpreter import completing, task_groups
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite, Env
from waymark_runtime.interpreter.sleeps import _FOREVER
from waymark_runtime.values import ExceptionValue, exception_value

if TYPE_CHECKING:
    from waymark_runtime.interpreter.expressions import ExprCompiler
    from waymark_runtime.interpreter.machine import Machine

Timer = tuple[str, int, str]
"""Where a timer's token lives: the task's node ('' for the main one), frame depth, local."""


def await_Timer(op: ir.Timer, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    seconds, name = exprs.compile(op.seconds), op.name

    def request(env: Env) -> tuple[str, Any]:
        return name, seconds(env)

    return AwaitSite(kind="timer", assign=assign), request


def start(machine: Machine, request: tuple[str, Any]) -> tuple[ExceptionValue | None, Any]:
    """Start the timer (none for `None`) and store its token; the frame goes on at once.
    A delay that is not a number raises CPython's `TypeError` (`loop.time() + delay`)."""
    name, seconds = request
    frame = machine.frames[-1]
    if seconds is None:
        frame.env[name] = None
        return None, None
    try:
        delay = max(0.0, float(0.0 + seconds))
    except TypeError as error:
        return exception_value(error), _NOTHING
    if math.isnan(delay) or not delay < _FOREVER:
        delay = _FOREVER
    node = machine._node()
    machine.timers[node] = (machine.task.node or "", len(machine.frames) - 1, name)
    frame.env[name] = node
    site = frame.code.awaits[frame.pc]
    machine.effects.append(
        StartSleep(node=node, seconds=delay, site=site.node, iteration=machine._path())
    )
    return None, None


def expire(machine: Machine, node: str) -> None:
    """Timer `node` passed: cancel its task's wait if the task is still inside the block."""
    task_node, depth, name = machine.timers.pop(node)
    machine._park()
    task = machine.tasks.get(task_node)
    if task is None or depth >= len(task.frames):
        return  # its task ended before the timer passed
    env = task.frames[depth].env
    token = env.get(name)
    if type(token) is tuple and token[0] == node and len(token) == 2:  # `as_completed`'s
        completing.passed(machine, task, env, name, node)
        return
    if token != node:
        return  # the block was left before the timer passed
    task.frames[depth].env[name] = True
    task_groups.cancel(machine, task)
