"""The resumable machine: runs frames until the workflow awaits, turns awaits into effects and
feeds events (action results, finished sleeps) back in, with `run_action`'s retry semantics.

The whole continuation is explicit (frames with pcs, locals, loop iterators, the one pending
await), so `advance` costs O(live state) and never re-runs the body. No clock, no randomness,
no I/O: delays and timeouts are handed to the host inside the effects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
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
from waymark_runtime.interpreter import (
    gathers,
    results,
    run_end,
    signals,
    sleeps,
    task_groups,
    task_methods,
    timeouts,
    timer_blocks,
    waited,
)
from waymark_runtime.interpreter import started as starts
from waymark_runtime.interpreter.binding import bind_arguments
from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.interpreter.code import (
    _NOTHING,
    AwaitSite,
    Frame,
    Path,
    Return,
    Suspend,
    execute,
    iteration_path,
)
from waymark_runtime.interpreter.instance_self import InstanceSelf
from waymark_runtime.interpreter.journal import Printing
from waymark_runtime.interpreter.leaving import encoded
from waymark_runtime.interpreter.limits import LimitExceeded, place_of
from waymark_runtime.interpreter.memos import Memos
from waymark_runtime.interpreter.persisted import (
    CallsWait,
    PendingCall,
    SavedEnding,
    SignalWait,
    SleepWait,
    StateFormatError,
    Wait,
)
from waymark_runtime.interpreter.program import Program
from waymark_runtime.interpreter.started import Outcome
from waymark_runtime.interpreter.tasks import (
    Task,
    abandoned,
    position,
)
from waymark_runtime.values import (
    ExceptionCarrier,
    ExceptionValue,
    error_json,
    exception_value,
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
        # gathered helpers' results, by node, until their gather resumes: the objects returned
        self.returned: dict[str, Any] = {}
        self.deadlines: dict[str, str] = {}  # gather timeouts: timer node -> first call's node
        # `asyncio.timeout` blocks and `as_completed` deadlines, by node
        self.timers: dict[str, timer_blocks.Timer] = {}
        self.groups: dict[str, task_groups.Group] = {}  # `asyncio.TaskGroup` blocks, by token
        self.cancelling: set[str] = set()  # started tasks asked to cancel, until their turn
        self.ending: SavedEnding | None = None  # `run()` ended: its outcome, once tasks end
        # What runs next, in turn, as asyncio's ready queue: a task and what to resume it with,
        # or (None, None, a callback of the machine): a gathered action starting, a task group
        # hearing that one of its tasks ended (as asyncio runs a done callback).
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
        owner = program.source.run.qualname.rpartition(".")[0] or program.source.name
        self.instance = guards.instance = InstanceSelf(owner)  # what `self.x = ...` set
        self.logs = 0  # the lines this instance wrote before the call running now
        self.printing: Printing | None = None  # the unfinished line it printed before it
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

    def deliver(self, events: Sequence[Event]) -> None:
        """Feed `events` (oldest first). Sleeps and timers that end one after another take
        one turn, as asyncio's timers due at one time do: each wakes its task (or cancels
        what its timeout bounds) in the order given, and only then do the tasks run, so one
        that fails cannot cancel a sibling whose sleep ended with its own before the sibling
        goes on. Action results that come one after another take one turn too, as the I/O
        callbacks asyncio finds ready at once all run before what they schedule: each settles
        its call (waking its task, or its gather once complete) and only then do the tasks
        run, so every task whose action failed fails before its group or gather hears of the
        first. Any other event is taken once the tasks made ready before it have run."""
        previous: type[Event] | None = None
        for event in events:
            together, previous = type(event) is previous, type(event)
            if type(event) is SleepFinished:
                self._timer_passed(event)
                continue
            if not (together and type(event) is ActionFinished):
                self._run()
            task = self._owner(event)
            if task is not None:  # else finished, or a stale event of an abandoned task
                self._enter(task)
                self._deliver(event)
        self._run()

    def _timer_passed(self, event: SleepFinished) -> None:
        """A sleep ended or a timeout passed: wake (or cancel) what waited on it."""
        if event.node in self.deadlines:
            timeouts.expire(self, event.node)
        elif event.node in self.timers:
            timer_blocks.expire(self, event.node)
        elif (task := self._owner(event)) is not None:
            self._enter(task)
            wait = self.wait
            if type(wait) is SleepWait and wait.node == event.node:
                self.wait = None
                self.ready.append((task, None, None))
            elif type(wait) is SignalWait and wait.node == event.node:  # its timeout passed
                self.wait = None
                self.ready.append((task, signals.timed_out(wait), _NOTHING))

    def _deliver(self, event: Event) -> None:
        if type(event) is ActionFinished:
            if type(self.wait) is CallsWait:
                results.on_action(self, event)
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
            if task is None:  # a callback's turn
                value(self)
            elif self.tasks.get(task.node or "") is task:
                if task.node in self.cancelling:
                    if (cancelled := task_methods.turn(self, task, throw, value)) is None:
                        continue
                    throw, value = cancelled
                self._enter(task)
                self._drive(throw, value)
        run_end.check(self)

    def _path(self) -> Path:
        """The iteration of the running task's current await (`iteration_path`)."""
        return self.task.path + iteration_path(self.frames)

    def _finished(self, throw: ExceptionValue | None, value: Any, frame: Frame) -> None:
        """The running task's stack is empty: `run()` ended, or a task settles its item."""
        if self.task is self.main:
            if run_end.defer(self, throw, value, frame):
                return
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
        if task.node in self.started:  # its result the very object it returned: `r is batch`
            starts.settle(self, task, ("ok", value) if throw is None else ("error", result))
            return
        waiter = self.waiting.get(task.node or "")
        if waiter is None:  # (only a stored state the runtime did not write has such a task)
            raise StateFormatError(f"malformed instance state: no task awaits task {task.node!r}")
        self._enter(waiter)
        index = position(self.calls, task.node or "")
        assert index is not None
        site = results.site(self)
        if throw is not None and not site.returns_exceptions(self.frames[-1]):
            # The gather hears of it in its turn (asyncio runs its done callback), after the
            # tasks already ready, a sibling whose sleep ended with this one's among them.
            self.ready.append((None, None, partial(results.item_failed, waiter=waiter,
                                                   node=task.node or "", throw=throw)))  # fmt: skip
            return
        if throw is None:  # the gather gives the very object the helper returned
            self.returned[task.node or ""] = value
        results.settle(self, index, "ok" if throw is None else "error", result)
        results.maybe_resume(self, site)

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
        return _SUSPENDS.get(site.kind, gathers.gather)(self, site, request)

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

    def _resume_with(self, throw: ExceptionValue | None, value: Any) -> None:
        """Resume the running task (once the tasks ready before it ran); a gather that raises
        abandons the tasks of its items still running."""
        self.moves += 1
        if len(self.tasks) > 1:
            for task in abandoned(list(self.tasks.values()), self.calls):
                self.tasks.pop(task.node or "", None)
                task_groups.owner_abandoned(self, task)
        self.wait, self.calls, self.pending = None, [], 0
        self.ready.append((self.task, throw, value))

    # -- outcomes -----------------------------------------------------------------------------

    def _complete(self, value: Any, frame: Frame) -> None:
        try:
            result = encoded(self.guards, value)
        except WaymarkError as error:
            self._refuse(error, frame)
            return
        self._completed(result)

    def _completed(self, result: Any) -> None:
        self.status = "completed"
        self._forget()
        self.effects.append(Complete(result=result))

    def _forget(self) -> None:
        """The instance ended: no task runs on and no timer matters any more."""
        self.tasks, self.ready, self.started = {"": self.main}, deque(), {}
        self.deadlines, self.timers, self.groups, self.returned = {}, {}, {}, {}
        self.cancelling, self.ending = set(), None

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


Resumed = tuple[ExceptionValue | None, Any] | None
"""How an await resumes at once (what it raises, or gives), or None: it waits."""

# What each kind of await arranges (`AwaitSite.kind`); any other kind awaits calls (`gathers`).
_SUSPENDS: dict[str, Callable[[Machine, AwaitSite, Any], Resumed]] = {
    "sleep": lambda machine, site, request: sleeps.sleep(machine, request),
    "signal": lambda machine, site, request: signals.wait(machine, request),
    "start": starts.start,
    "join": lambda machine, site, request: starts.join(machine, request),
    "timer": lambda machine, site, request: timer_blocks.start(machine, request),
    "taskgroup": task_groups.enter,
    "grouped": task_groups.start,
    "leave": task_groups.leave,
    "task": lambda machine, site, request: task_methods.call(machine, request),
    "wait": waited.wait,
}
