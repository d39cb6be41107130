"""What the calls of a `CallsWait` give back: an action's result settles its call, its
exception is retried by its policy or raised at the await (or kept, with
`return_exceptions`), and once none is pending the awaiting task resumes with the results.

It reads the running task's wait (`Machine.calls`); it starts nothing but a retry.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any, Literal

from waymark_runtime.effects import ActionFinished
from waymark_runtime.interpreter.calls import as_exception, call_effect, refused_by_host
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite, ChildCall, Path
from waymark_runtime.interpreter.persisted import CallsWait
from waymark_runtime.interpreter.policies import as_raised, backoff, effective, retries
from waymark_runtime.interpreter.tasks import Task, grouped, position
from waymark_runtime.values import ExceptionValue, to_json, to_value

if TYPE_CHECKING:
    from waymark_runtime.interpreter.machine import Machine


def site(machine: Machine) -> AwaitSite:
    """The await the running task waits at."""
    frame = machine.frames[-1]
    return frame.code.awaits[frame.pc]


def on_action(machine: Machine, event: ActionFinished) -> None:
    index = position(machine.calls, event.node)
    if index is None:
        return  # a stale report
    call = machine.calls[index]
    if call.attempt != event.attempt or call.status != "pending":
        return  # a duplicate or stale report
    at = site(machine)
    if event.ok:
        settle(machine, index, "ok", event.value)
    else:
        error = as_exception(to_value(event.value))
        if refused_by_host(error):
            machine._fail(event.value)  # the runtime refused the call: no retry, no handler
            return
        policy = effective(at.policies[call.item], call)
        if not isinstance(policy, ChildCall) and retries(policy, error, call.attempt):
            machine.calls[index] = call = call.retried()
            delay, jitter = backoff(policy, call.attempt - 1)
            where = _where(machine, at, index)
            machine.effects.append(call_effect(call, policy, delay, jitter, where))
            return
        error = as_raised(policy, error)
        if not at.returns_exceptions(machine.frames[-1]):
            machine._resume_with(error, _NOTHING)
            return
        settle(machine, index, "error", to_json(error))
    maybe_resume(machine, at)


def _where(machine: Machine, at: AwaitSite, index: int) -> tuple[str | None, Path]:
    """The site and iteration of a pending call again (for its retry): the frames wait
    where they dispatched it, and a spread's calls follow each other in the wait."""
    item = machine.calls[index].item
    first = bisect_left(machine.calls, item, hi=index, key=lambda call: call.item)
    return at.where(item, machine._path(), index - first)


def settle(machine: Machine, index: int, status: Literal["ok", "error"], value: Any) -> None:
    machine.calls[index] = machine.calls[index].settled(status, value)
    machine.pending -= 1


def maybe_resume(machine: Machine, at: AwaitSite) -> None:
    if machine.pending:
        return
    returned = machine.returned
    results = [
        returned.pop(call.node) if call.node in returned else to_value(call.value)
        for call in machine.calls
    ]
    if at.groups:
        results = grouped(results, machine.calls, at.groups)
    machine._resume_with(None, results[0] if at.single else results)


def item_failed(machine: Machine, waiter: Task, node: str, throw: ExceptionValue) -> None:
    """A gathered helper's task (`node`) raised: the task awaiting the gather resumes with its
    exception, if it still waits on that gather (an earlier failure may have ended it)."""
    if machine.tasks.get(waiter.node or "") is not waiter:
        return
    machine._enter(waiter)
    if type(machine.wait) is CallsWait and position(machine.calls, node) is not None:
        machine._resume_with(throw, _NOTHING)
