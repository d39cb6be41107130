"""`async with asyncio.TaskGroup() as tg:` — a block whose tasks all end before it is left.

The compiler writes the block as `await taskgroup(_g)` (the group's token in `_g`), the body
with `tg.create_task(call)` as `start in _g call`, and `_x = await leave(_g, _e)` after it (in
the handler of the body's exception `_e` when it raised one), then `raise ExceptionGroup(
'unhandled errors in a TaskGroup', _x) from None` when `_x` holds any (`lower.task_groups`). As CPython's
`TaskGroup` does, the first task of the group to fail cancels the others and the owning task's
wait (`asyncio.CancelledError` raised there, which the body's handler passes to `leave`); a body
that raises cancels the tasks when it leaves; leaving waits for every task, then gives the
tasks' exceptions (in the order they failed) with the body's own last, or raises the body's
cancellation again when it did not come from the group. A task is cancelled where it waits
(`cancel`): an action already handed to a worker still runs, its result unread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, fields, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from waymark_runtime import ir
from waymark_runtime.interpreter import started as starts
from waymark_runtime.interpreter import task_methods
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite, Env, Frame
from waymark_runtime.interpreter.leaving import encoded
from waymark_runtime.interpreter.persisted import (
    CallsWait,
    GroupWait,
    SavedGroup,
    StateFormatError,
)
from waymark_runtime.interpreter.tasks import Task
from waymark_runtime.values import ExceptionValue, exception_value

if TYPE_CHECKING:
    from waymark_runtime.interpreter.expressions import ExprCompiler
    from waymark_runtime.interpreter.machine import Machine

_CANCELLED = "asyncio.exceptions:CancelledError"


@dataclass(slots=True)
class Group:
    """A block being run: the node of the task running it ('' for the main one), its tasks
    and those that failed, the local of the block's exception (once it is left), whether
    the group cancels its tasks, has cancelled the block, or the block was cancelled while it
    waited to leave, and the tasks that ended but whose end it has not heard of yet (their
    turns wait in the ready queue, as their done callbacks do in asyncio; never saved, since
    the queue is empty between steps)."""

    task: str
    members: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    error: str | None = None
    aborting: bool = False
    parent_cancelled: bool = False
    interrupted: bool = False
    unheard: set[str] = field(default_factory=set)


_SAVED = tuple(f.name for f in fields(SavedGroup) if f.name != "node")


# -- compiling ------------------------------------------------------------------------------------


def await_TaskGroup(op: ir.TaskGroup, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    name = op.name
    return AwaitSite(kind="taskgroup", assign=assign), lambda env: name


def await_LeaveGroup(op: ir.LeaveGroup, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    name, error = op.name, op.error
    return AwaitSite(kind="leave", assign=assign), lambda env: (env[name], env[error], error)


def await_Start(op: ir.Start, assign: Any, exprs: ExprCompiler) -> tuple[AwaitSite, Any]:
    """`start call`, or `start in _g call` (`tg.create_task(call)`): a task of the group."""
    site, request = starts.await_Start(op, assign, exprs)
    if op.group is None:
        return site, request
    name = op.group

    def grouped(env: Env) -> tuple[Any, Frame]:
        return env[name], request(env)

    return replace(site, kind="grouped"), grouped


# -- running --------------------------------------------------------------------------------------


def enter(machine: Machine, site: AwaitSite, name: str) -> tuple[None, None]:
    """Enter the block: a new group, its token stored in local `name`; the frame goes on."""
    node = machine._node()
    machine.groups[node] = Group(task=machine.task.node or "")
    machine.frames[-1].env[name] = node
    return None, None


def start(
    machine: Machine, site: AwaitSite, request: tuple[Any, Frame]
) -> tuple[ExceptionValue | None, Any]:
    """`tg.create_task(call)`: start the call as a task of the group (CPython's `RuntimeError`
    once the group cancels its tasks)."""
    token, frame = request
    group = machine.groups.get(token)
    if group is None or group.aborting:
        state = "is finished" if group is None else "is shutting down"
        error = RuntimeError(f"TaskGroup {_repr(machine, group)} {state}")
        return exception_value(error), _NOTHING
    throw, handle = starts.start(machine, site, frame)
    group.members.append(handle.path)
    return throw, handle


def _repr(machine: Machine, group: Group | None) -> str:
    """CPython's `repr` of the group: its running tasks, its errors and its state."""
    if group is None:
        return "<TaskGroup entered>"
    running = len(group.unheard)
    running += sum(1 for node in group.members if machine.started.get(node) is None)
    info = [""]
    if running:
        info.append(f"tasks={running}")
    if group.failed:
        info.append(f"errors={len(group.failed)}")
    info.append("cancelling" if group.aborting else "entered")
    return f"<TaskGroup{' '.join(info)}>"


def leave(
    machine: Machine, site: AwaitSite, request: tuple[Any, Any, str]
) -> tuple[ExceptionValue | None, Any] | None:
    """Leave the block (its exception in local `error`, or None): cancel the tasks if it
    raised, then end now if they all have ended, else wait for the last of them."""
    token, raised, error = request
    group = _group(machine, token)
    group.error = error
    if raised is not None and not group.aborting:
        owner = machine.task
        _abort(machine, group)
        machine._enter(owner)
    if _running(machine, group):
        machine.wait = GroupWait(node=token)
        return None
    return _left(machine, token, machine.frames[-1])


def _running(machine: Machine, group: Group) -> bool:
    """Whether a task of the group runs, or ended unheard of (asyncio's `TaskGroup._tasks`)."""
    return bool(group.unheard) or any(machine.started.get(node) is None for node in group.members)


def _left(machine: Machine, token: str, frame: Frame) -> tuple[ExceptionValue | None, Any]:
    """How the block ends once its tasks have: the exceptions to raise as a group (none: it
    ends normally), or the cancellation to raise again, as `TaskGroup.__aexit__` decides."""
    group = machine.groups.pop(token)
    raised = frame.env.get(group.error or "")
    errors: list[Any] = [_exception(machine, node) for node in group.failed]
    cancelled = raised if _is_cancelled(raised) else None
    propagated = None if group.parent_cancelled else cancelled
    if group.interrupted:
        propagated = exception_value(asyncio.CancelledError())
    if propagated is not None and not errors:
        return propagated, _NOTHING
    if raised is not None and cancelled is None:
        errors.append(raised)
    return None, errors


def _exception(machine: Machine, node: str) -> ExceptionValue | None:
    """The exception started task `node` ended with (None: it returned, or runs)."""
    outcome = machine.started.get(node)
    return None if outcome is None or outcome[0] == "ok" else starts.resumed(outcome)[0]


def _is_cancelled(value: Any) -> bool:
    return type(value) is ExceptionValue and value.is_a(_CANCELLED)


def settled(machine: Machine, node: str) -> None:
    """Started task `node` ended: if it is a group's, the group hears of it in its turn (as
    asyncio runs a task's done callback after the tasks already ready)."""
    token = next((t for t, g in machine.groups.items() if node in g.members), None)
    if token is not None:
        machine.groups[token].unheard.add(node)
        machine.ready.append((None, None, partial(_task_done, token=token, node=node)))


def _task_done(machine: Machine, token: str, node: str) -> None:
    """A task of the group ended: its failure cancels the group's other tasks and the block's
    wait, and the last of them to end lets the block be left."""
    group = machine.groups.get(token)
    if group is None:
        return
    group.unheard.discard(node)
    machine._park()  # (the owner's wait, if it runs now: it may have begun to leave)
    owner = machine.tasks.get(group.task)
    failed = _exception(machine, node)
    if failed is not None and not _is_cancelled(failed):
        group.failed.append(node)
        if owner is not None and not group.aborting and not group.parent_cancelled:
            _abort(machine, group)
            group.parent_cancelled = True
            if not _leaving(owner, token):
                cancel(machine, owner)
    if owner is not None and _leaving(owner, token) and not _running(machine, group):
        machine._park()
        owner.wait = None
        if machine.task is owner:
            machine.wait = None
        machine.moves += 1
        machine.ready.append((owner, *_left(machine, token, owner.frames[-1])))


def _leaving(owner: Task, token: str) -> bool:
    return type(owner.wait) is GroupWait and owner.wait.node == token


def owner_abandoned(machine: Machine, task: Task) -> None:
    """`task` is abandoned where it waits (a gather that raised, or a timer, gave up on it):
    as CPython's cancellation leaves its `async with` blocks, each group it runs cancels its
    tasks, in the ready queue's turn; the groups are gone."""
    node = task.node or ""
    for token in [t for t, g in machine.groups.items() if g.task == node]:
        machine.ready.append((None, None, partial(_abort, group=machine.groups.pop(token))))


def _abort(machine: Machine, group: Group) -> None:
    """The group cancels every task of it still running."""
    group.aborting = True
    for node in group.members:
        task = machine.tasks.get(node)
        if task is not None and machine.started.get(node) is None:
            cancel(machine, task)


def cancel(machine: Machine, task: Task) -> None:
    """Cancel `task` where it waits, as CPython's `Task.cancel()` does: `CancelledError` is
    raised at its wait (a gather's helper tasks stop where they wait; actions already handed to
    a worker still run, their results unread), or instead of what it was about to resume with,
    and a started task that has not run yet ends cancelled without running. A task leaving a
    group goes on waiting for the group's tasks, which the group then cancels."""
    machine._park()
    cancelled = exception_value(asyncio.CancelledError())
    wait = task.wait
    # `await t`, as CPython's: `t` is cancelled instead, and its waiter resumes once `t` ended
    # (through `await asyncio.shield(t)` the waiter alone is cancelled: `t` runs on)
    if task_methods.joins_one(wait) and task_methods.cancel(machine, wait.node):
        return
    if type(wait) is GroupWait:
        group = _group(machine, wait.node)
        group.interrupted = True
        if not group.aborting:
            _abort(machine, group)
        return
    if wait is None:
        _cancel_ready(machine, task, cancelled)
        return
    machine._enter(task)
    if type(machine.wait) is CallsWait:
        machine._resume_with(cancelled, _NOTHING)  # its gather's helper tasks stop too
        return
    machine.wait = None
    machine.moves += 1
    machine.ready.append((task, cancelled, _NOTHING))


def _cancel_ready(machine: Machine, task: Task, cancelled: ExceptionValue) -> None:
    ready = machine.ready
    at = next((i for i, entry in enumerate(ready) if entry[0] is task), None)
    if at is None:
        return
    _, throw, value = ready[at]
    fresh = throw is None and value is _NOTHING and len(task.frames) == 1 and not task.frames[0].pc
    if not (fresh and task.node in machine.started):
        ready[at] = (task, cancelled, _NOTHING)
        return
    del ready[at]  # a task that has not started: it never runs
    del machine.tasks[task.node or ""]
    starts.settle(machine, task, ("error", encoded(machine.guards, cancelled)))


def saved(groups: dict[str, Group]) -> tuple[SavedGroup, ...]:
    return tuple(
        SavedGroup(node=node, **{name: _tupled(getattr(g, name)) for name in _SAVED})
        for node, g in groups.items()
    )


def loaded(saved: tuple[SavedGroup, ...]) -> dict[str, Group]:
    return {s.node: Group(**{name: _listed(getattr(s, name)) for name in _SAVED}) for s in saved}


def _listed(value: Any) -> Any:
    return list(value) if type(value) is tuple else value


def _tupled(value: Any) -> Any:
    return tuple(value) if type(value) is list else value


def _group(machine: Machine, token: Any) -> Group:
    """The group of `token`, which a block's hidden local holds from its entry to its end (a
    stored state the runtime did not write may hold anything there)."""
    group = machine.groups.get(token) if isinstance(token, str) else None
    if group is None:
        raise StateFormatError(f"malformed instance state: no task group {token!r}")
    return group
