"""What an await of calls starts: an awaited action or child workflow, or a gather's items
(actions dispatched in their turn, helpers run as tasks of their own), and the `CallsWait`
the awaiting task then keeps until they settle (`results`).

It dispatches and numbers; it does not read what the calls give back.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from waymark_runtime.effects import Effect
from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter import timeouts
from waymark_runtime.interpreter.calls import call_effect
from waymark_runtime.interpreter.code import _NOTHING, AwaitSite, Deadline, Path
from waymark_runtime.interpreter.leaving import encoded_once
from waymark_runtime.interpreter.limits import AWAIT_OPERATIONS
from waymark_runtime.interpreter.persisted import CallsWait, PendingCall
from waymark_runtime.interpreter.policies import effective
from waymark_runtime.interpreter.tasks import Encoded, ItemStart, Task, placeholder
from waymark_runtime.values import JSON, ExceptionValue

if TYPE_CHECKING:
    from waymark_runtime.interpreter.machine import Machine


def gather(
    machine: Machine, site: AwaitSite, request: Any
) -> tuple[ExceptionValue | None, Any] | None:
    """Start the calls of an await (one, or a gather's); returns how to resume at once, or
    None to wait for them."""
    seconds = None
    if type(request) is Deadline:  # `asyncio.wait_for(asyncio.gather(...), seconds)`
        request, seconds = request.calls, request.seconds
        if (ended := timeouts.early(seconds, request)) is not None:
            return ended
    if not request:
        return None, []  # an empty gather: nothing to wait for, as in Python
    # What an await starts: an action awaited by itself starts at once (its coroutine runs
    # in the awaiting task). A gather's items start as asyncio's tasks do: in argument
    # order, after the tasks already ready; an action item starts (its arguments encoded as
    # they are then), a helper item runs to its first await, so what that await starts
    # comes before the next item's.
    path = machine._path()
    calls: list[PendingCall] = []
    first: dict[int, int] = {}
    ready, encoded, frame = machine.ready, Encoded(machine.moves), machine.frames[-1]
    for call in request:  # a spread's calls are numbered from its first
        machine.guards.meter.charge(AWAIT_OPERATIONS)
        element = len(calls) - first.setdefault(call[0], len(calls))
        where = site.where(call[0], path, element)
        if len(call) == 2:  # an async helper: a task of its own
            calls.append(placeholder(machine._node(), call[0], call[1]))
            item_node = call[0] if where[0] is None else where[0]
            task = Task(calls[-1].node, (*where[1], item_node), [call[1]])
            machine.tasks[task.node or ""] = task
            ready.append((task, None, _NOTHING))
        elif ready and not site.single:  # its turn comes after the tasks ready before it
            calls.append(PendingCall(node=machine._node(), item=call[0], target=call[1],
                                     args=(), kwargs={}))  # fmt: skip
            item = ItemStart(calls, site, frame, call, where, encoded)
            ready.append((None, None, partial(start_call, start=item)))
        else:  # its turn is now
            pending, effect = dispatch(machine, site, *call, where=where, memo=encoded.known,
                                       node=machine._node())  # fmt: skip
            calls.append(pending)
            machine.effects.append(effect)
    machine.wait, machine.calls, machine.pending = CALLS, calls, len(calls)
    machine._waits_on(call.node for call in calls)
    if seconds is not None:
        timeouts.start(machine, site, seconds, calls[0].node)
    return None


def start_call(machine: Machine, start: ItemStart) -> None:
    """Dispatch a gathered action or child call in its turn, its arguments as they are now."""
    calls, index = start.calls, start.index
    try:
        call, effect = dispatch(machine, start.site, *start.call, where=start.where,
                                memo=start.encoded.at(machine.moves),
                                node=calls[index].node)  # fmt: skip
    except WaymarkError as error:
        machine._refuse(error, start.frame)
        return
    calls[index] = call
    machine.effects.append(effect)


def dispatch(
    machine: Machine,
    site: AwaitSite,
    item: int,
    action: str,
    args: list[Any],
    kwargs: dict[str, Any],
    computed: dict[str, Any] | None = None,
    *,
    where: tuple[str | None, Path],
    memo: dict[int, tuple[Any, JSON, int]],
    node: str,
) -> tuple[PendingCall, Effect]:
    """A call of an awaited action or child workflow, and the effect that starts it."""
    guards = machine.guards
    call = PendingCall(node=node, item=item, target=action,
                       args=tuple(encoded_once(guards, v, memo) for v in args),
                       kwargs={k: encoded_once(guards, v, memo) for k, v in kwargs.items()},
                       policy=computed)  # fmt: skip
    return call, call_effect(call, effective(site.policies[item], call), 0.0, 0.0, where)


CALLS = CallsWait(calls=(), pending=0)
"""`Machine.wait` while it waits on calls: they are in `Machine.calls` until saved."""
