"""The resumable machine: runs frames until the workflow awaits, turns awaits into effects and
feeds events (action results, finished sleeps) back in, with `run_action`'s retry semantics.

The whole continuation is explicit (frames with pcs, locals, loop iterators, the one pending
await), so `advance` costs O(live state) and never re-runs the body. No clock, no randomness,
no I/O: delays and timeouts are handed to the host inside the effects.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from typing import Any, Literal

from waymark_runtime.effects import (
    ActionFinished,
    Complete,
    Effect,
    Event,
    Fail,
    SignalReceived,
    SleepFinished,
)
from waymark_runtime.errors import InternalError, WaymarkError
from waymark_runtime.interpreter import signals, sleeps, timeouts, timer_blocks
from waymark_runtime.interpreter import started as starts
from waymark_runtime.interpreter.binding import bind_arguments
from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.interpreter.calls import as_exception, call_effect, refused_by_host
from waymark_runtime.interpreter.code import (
    _NOTHING,
    AwaitSite,
    ChildCall,
    Deadline,
    Frame,
    Path,
    Return,
    Suspend,
    execute,
    iteration_path,
)
from waymark_runtime.interpreter.leaving import encoded, encoded_once
from waymark_runtime.interpreter.limits import AWAIT_OPERATIONS, LimitExceeded, place_of
from waymark_runtime.interpreter.memos import Memos
from waymark_runtime.interpreter.persisted import (
    CallsWait,
    PendingCall,
    SignalWait,
    SleepWait,
    Wait,
)
from waymark_runtime.interpreter.policies import as_raised, backoff, effective, retries
from waymark_runtime.interpreter.program import Program
from waymark_runtime.interpreter.started import Outcome
from waymark_runtime.interpreter.tasks import (
    Encoded,
    ItemStart,
    Task,
    abandoned,
    grouped,
    placeholder,
    position,
)
from waymark_runtime.values import (
    JSON,
    ExceptionCarrier,
    ExceptionValue,
    error_json,
    exception_value,
    to_json,
    to_value,
)


class Machine:
    """One instance's continuation (saved, loaded and kept between steps by `live`); what it
    saves or dispatches is charged through `guards` (the step context's)."""

    def __init__(self, program: Program, guards: Bounded) -> None:
        self.program = program
        self.guards = guards
        # The running task's stack and wait live here (`_enter` swaps them with a task's).
        self.main = Task(None, (), [])
        self.task = self.main
        self.tasks: dict[str, Task] = {"": self.main}  # by the node they settle; main ""
        self.waiting: dict[str, Task] = {}  # while there are tasks: who waits on a node
        self.started: dict[str, Outcome | None] = {}  # started tasks: their end (None: running)
        self.deadlines: dict[str, str] = {}  # gather timeouts: timer node -> first call's node
        self.timers: dict[str, timer_blocks.Timer] = {}  # `asyncio.timeout` blocks, by node
        # Tasks to run, in turn (a task and what to resume it with), and gathered actions to
        # start in their turn (None, None, their `ItemStart`).
        self.ready: deque[tuple[Task | None, ExceptionValue | None, Any]] = deque()
        self.frames: list[Frame] = self.main.frames
        self.wait: Wait | None = None
        # While the wait is a `CallsWait`, its calls and count live here, changed in place.
        self.calls: list[PendingCall] = []
        self.pending = 0
        self.next_node = 1
        self.status: Literal["running", "completed", "failed"] = "running"
        self.effects: list[Effect] = []
        self.journal = guards.journal  # the step context's: the log lines of the call running now
        self.memos = guards.memos = Memos()  # its cached results, where its calls find them
        self.logs = 0  # the lines this instance wrote before the call running now
        # Counts what moved the continuation beyond settling calls (a frame ran, a wait ended,
        # the instance failed): a host compares it across a step (`live.LiveInstance`).
        self.moves = 0

    # -- entry points -------------------------------------------------------------------------

    def begin(self, inputs: dict[str, Any]) -> None:
        code = self.program.run
        try:
            args = {name: to_value(value) for name, value in inputs.items()}
            env = bind_arguments(code, [], args)
        except Exception as error:  # bad inputs fail this instance
            self._fail(error_json(error))
            return
        self.frames.append(Frame(code, env))
        self._drive(None, _NOTHING)
        self._run()

    def deliver(self, event: Event) -> None:
        if type(event) is SleepFinished and event.node in self.deadlines:
            timeouts.expire(self, event.node)
            self._run()
            return
        if type(event) is SleepFinished and event.node in self.timers:
            timer_blocks.expire(self, event.node)
            self._run()
            return
        task = self._owner(event)
        if task is None:
            return  # finished, or a stale event of an abandoned gather or task
        self._enter(task)
        self._deliver(event)
        self._run()

    def _deliver(self, event: Event) -> None:
        if type(event) is ActionFinished:
            if type(self.wait) is CallsWait:
                self._on_action(event)
        elif type(event) is SleepFinished:
            wait = self.wait
            if type(wait) is SleepWait and wait.node == event.node:
                self.wait = None
                self._drive(None, None)
            elif type(wait) is SignalWait and wait.node == event.node:  # its timeout passed
                self.wait = None
                self._drive(signals.timed_out(wait), _NOTHING)
        elif type(event) is SignalReceived:
            if type(self.wait) is SignalWait and self.wait.node == event.node:
                self.wait = None
                self._drive(None, to_value(event.value))
        else:
            raise InternalError(f"unknown event {type(event).__name__}")

    # -- tasks --------------------------------------------------------------------------------

    def _owner(self, event: Event) -> Task | None:
        """The task `event` is for, if any still waits on it."""
        if len(self.tasks) == 1:
            return self.main if self.wait is not None else None
        self._park()
        node: str = getattr(event, "node", "")
        task = self.waiting.get(node)
        if task is None or self.tasks.get(task.node or "") is not task:
            return None  # no task waits on it, or the one that did was abandoned
        wait = task.wait
        if type(event) is ActionFinished:
            return task if task.holds(node) else None
        return task if isinstance(wait, SleepWait | SignalWait) and wait.node == node else None

    def _waits_on(self, nodes: Any) -> None:
        """Index what the running task now waits on (only needed once there are tasks)."""
        if len(self.tasks) > 1:
            task = self.task
            self.waiting.update((node, task) for node in nodes)

    def _park(self) -> None:
        task = self.task
        task.frames, task.wait, task.calls, task.pending = (
            self.frames, self.wait, self.calls, self.pending)  # fmt: skip

    def _enter(self, task: Task) -> None:
        if task is self.task:
            return
        self._park()
        self.task = task
        self.frames, self.wait, self.calls, self.pending = (
            task.frames, task.wait, task.calls, task.pending)  # fmt: skip

    def _run(self) -> None:
        """Run the tasks made ready (started, or resumed by their gather), in order."""
        while self.ready and self.status == "running":
            task, throw, value = self.ready.popleft()
            if task is None:  # a gathered action's turn: it starts
                self._start_call(value)
            elif self.tasks.get(task.node or "") is task:
                self._enter(task)
                self._drive(throw, value)

    def _path(self) -> Path:
        """The iteration of the running task's current await (`iteration_path`)."""
        return self.task.path + iteration_path(self.frames)

    def _finished(self, throw: ExceptionValue | None, value: Any, frame: Frame) -> None:
        """The running task's stack is empty: `run()` ended, or a task settles its item."""
        if self.task is self.main:
            if throw is None:
                self._complete(value, frame)
                return
            try:
                error = encoded(self.guards, throw)
            except WaymarkError as refused:
                self._refuse(refused, frame)
                return
            self._fail(error, frame)
            return
        task = self.task
        del self.tasks[task.node or ""]
        try:
            result = encoded(self.guards, value if throw is None else throw)
        except WaymarkError as error:
            self._refuse(error, frame)
            return
        if task.node in self.started:
            starts.settle(self, task, ("ok" if throw is None else "error", result))
            return
        self._enter(self.waiting[task.node or ""])
        index = position(self.calls, task.node or "")
        assert index is not None
        site = self._site()
        if throw is not None and not site.returns_exceptions(self.frames[-1]):
            self._resume_with(throw, _NOTHING)
            return
        self._settle(index, "ok" if throw is None else "error", result)
        self._maybe_resume(site)

    # -- running ------------------------------------------------------------------------------

    def _drive(self, throw: ExceptionValue | None, value: Any) -> None:
        """Run until the workflow awaits something external, completes or fails."""
        self.moves += 1
        while True:
            frame = self.frames[-1]
            try:
                execute(frame, throw, value)
            except Return as done:
                self.frames.pop()
                if not self.frames:
                    self._finished(None, done.value, frame)
                    return
                throw, value = None, done.value
            except Suspend as pause:
                try:
                    resumed = self._suspend(pause.site, pause.request)
                except WaymarkError as error:
                    self._refuse(error, frame)
                    return
                if resumed is None:
                    return
                throw, value = resumed
            except WaymarkError as error:
                self._refuse(error, frame)
                return
            except Exception as error:  # the workflow's own exception escapes a frame
                self.frames.pop()
                throw, value = exception_value(error), _NOTHING
                throw.fresh |= not isinstance(error, ExceptionCarrier)  # its context: undecided
                if not self.frames:
                    self._finished(throw, None, frame)
                    return

    def _suspend(self, site: AwaitSite, request: Any) -> tuple[ExceptionValue | None, Any] | None:
        """Arrange what an await needs; returns how to resume at once, or None to wait."""
        if site.kind == "call":
            request.caller = self.frames[-1]  # awaited: it runs within its caller's task
            self.frames.append(request)
            return None, _NOTHING
        if site.kind == "sleep":
            return sleeps.sleep(self, request)
        if site.kind == "signal":
            return signals.wait(self, request)
        if site.kind == "start":
            return starts.start(self, site, request)
        if site.kind == "join":
            return starts.join(self, request)
        if site.kind == "timer":
            return timer_blocks.start(self, request)
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
        path = self._path()
        calls: list[PendingCall] = []
        first: dict[int, int] = {}
        ready, encoded, frame = self.ready, Encoded(self.moves), self.frames[-1]
        for call in request:  # a spread's calls are numbered from its first
            self.guards.meter.charge(AWAIT_OPERATIONS)
            element = len(calls) - first.setdefault(call[0], len(calls))
            where = site.where(call[0], path, element)
            if len(call) == 2:  # an async helper: a task of its own
                calls.append(placeholder(self._node(), call[0], call[1]))
                item_node = call[0] if where[0] is None else where[0]
                task = Task(calls[-1].node, (*where[1], item_node), [call[1]])
                self.tasks[task.node or ""] = task
                ready.append((task, None, _NOTHING))
            elif ready and not site.single:  # its turn comes after the tasks ready before it
                calls.append(PendingCall(node=self._node(), item=call[0], target=call[1],
                                         args=(), kwargs={}))  # fmt: skip
                ready.append((None, None, ItemStart(calls, site, frame, call, where, encoded)))
            else:  # its turn is now
                pending, effect = self._dispatch(site, *call, where=where, memo=encoded.known,
                                                 node=self._node())  # fmt: skip
                calls.append(pending)
                self.effects.append(effect)
        self.wait, self.calls, self.pending = _CALLS, calls, len(calls)
        self._waits_on(call.node for call in calls)
        if seconds is not None:
            timeouts.start(self, site, seconds, calls[0].node)
        return None

    def _start_call(self, start: ItemStart) -> None:
        """Dispatch a gathered action or child call in its turn, its arguments as they are now."""
        calls, index = start.calls, start.index
        try:
            call, effect = self._dispatch(start.site, *start.call, where=start.where,
                                          memo=start.encoded.at(self.moves),
                                          node=calls[index].node)  # fmt: skip
        except WaymarkError as error:
            self._refuse(error, start.frame)
            return
        calls[index] = call
        self.effects.append(effect)

    def yielded(self) -> tuple[ExceptionValue | None, None] | None:
        """A sleep that does not wait still gives the event loop a turn: the tasks ready run
        first, then the running task goes on (at once when none is)."""
        if not self.ready:
            return None, None
        self.ready.append((self.task, None, None))
        return None

    def _node(self) -> str:
        node = f"n{self.next_node}"
        self.next_node += 1
        return node

    def _dispatch(
        self,
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
        call = PendingCall(node=node, item=item, target=action,
                           args=tuple(encoded_once(self.guards, v, memo) for v in args),
                           kwargs={k: encoded_once(self.guards, v, memo) for k, v in kwargs.items()},
                           policy=computed)  # fmt: skip
        return call, call_effect(call, effective(site.policies[item], call), 0.0, 0.0, where)

    # -- action results -----------------------------------------------------------------------

    def _site(self) -> AwaitSite:
        frame = self.frames[-1]
        return frame.code.awaits[frame.pc]

    def _on_action(self, event: ActionFinished) -> None:
        index = position(self.calls, event.node)
        if index is None:
            return  # a stale report
        call = self.calls[index]
        if call.attempt != event.attempt or call.status != "pending":
            return  # a duplicate or stale report
        site = self._site()
        if event.ok:
            self._settle(index, "ok", event.value)
        else:
            error = as_exception(to_value(event.value))
            if refused_by_host(error):
                self._fail(event.value)  # the runtime refused the call: no retry, no handler
                return
            policy = effective(site.policies[call.item], call)
            if not isinstance(policy, ChildCall) and retries(policy, error, call.attempt):
                self.calls[index] = call = call.retried()
                delay, jitter = backoff(policy, call.attempt - 1)
                where = self._where(site, index)
                self.effects.append(call_effect(call, policy, delay, jitter, where))
                return
            error = as_raised(policy, error)
            if not site.returns_exceptions(self.frames[-1]):
                self._resume_with(error, _NOTHING)
                return
            self._settle(index, "error", to_json(error))
        self._maybe_resume(site)

    def _where(self, site: AwaitSite, index: int) -> tuple[str | None, Path]:
        """The site and iteration of a pending call again (for its retry): the frames wait
        where they dispatched it, and a spread's calls follow each other in the wait."""
        item = self.calls[index].item
        first = bisect_left(self.calls, item, hi=index, key=lambda call: call.item)
        return site.where(item, self._path(), index - first)

    def _settle(self, index: int, status: Literal["ok", "error"], value: Any) -> None:
        self.calls[index] = self.calls[index].settled(status, value)
        self.pending -= 1

    def _maybe_resume(self, site: AwaitSite) -> None:
        if self.pending:
            return
        results = [to_value(call.value) for call in self.calls]
        if site.groups:
            results = grouped(results, self.calls, site.groups)
        self._resume_with(None, results[0] if site.single else results)

    def _resume_with(self, throw: ExceptionValue | None, value: Any) -> None:
        """Resume the running task (once the tasks ready before it ran); a gather that raises
        abandons the tasks of its items still running."""
        self.moves += 1
        if len(self.tasks) > 1:
            for task in abandoned(list(self.tasks.values()), self.calls):
                self.tasks.pop(task.node or "", None)
        self.wait, self.calls, self.pending = None, [], 0
        self.ready.append((self.task, throw, value))

    # -- outcomes -----------------------------------------------------------------------------

    def _complete(self, value: Any, frame: Frame) -> None:
        try:
            result = encoded(self.guards, value)
        except WaymarkError as error:
            self._refuse(error, frame)
            return
        self.status = "completed"
        self._forget()
        self.effects.append(Complete(result=result))

    def _forget(self) -> None:
        """The instance ended: no task runs on and no timer matters any more."""
        self.tasks, self.ready, self.started = {"": self.main}, deque(), {}
        self.deadlines, self.timers = {}, {}

    def _refuse(self, error: WaymarkError, frame: Frame) -> None:
        """The runtime refuses to go on (a limit, an unknown class...): fail, naming the line."""
        if isinstance(error, LimitExceeded):
            error.locate(frame.code, frame.pc)
            self._fail(error_json(error), error.where)  # perhaps in a helper it called
            return
        self._fail(error_json(error), frame)

    def _fail(self, error: Any, frame: Frame | dict[str, Any] | None = None) -> None:
        """Fail the instance with `error`, raised at `frame` (or at the place `where` names)."""
        self.moves += 1
        if frame is not None and isinstance(error, dict):
            where = frame if isinstance(frame, dict) else place_of(frame.code, frame.pc)
            error = {**error, "where": where}
        self._enter(self.main)
        self._forget()
        self.frames.clear()
        self.wait, self.calls, self.pending = None, [], 0
        self.status = "failed"
        self.effects.append(Fail(error=error))


_CALLS = CallsWait(calls=(), pending=0)
"""`Machine.wait` while it waits on calls: they are in `Machine.calls` until saved."""
