"""What runs a runner's attempts: the contract, and the in-process executor of `LocalRuntime`.

A runner hands `AttemptOrder`s to an executor and hears back through its `Reports`: a reply (the
attempt's outcome), a loss (the attempt died with its process), an expiry (it never started
because its `Lease` ran out), a start (for an order that asks: `report_start`), and room (free
slots again). `WorkerPool` runs orders in worker processes; `InProcessExecutor`
runs them as tasks of this event loop, so a test's fakes and monkeypatches apply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from waymark_runtime.actions import ActionTimeout
from waymark_runtime.config import Settings
from waymark_runtime.logs import AttemptContext
from waymark_runtime.values import error_json

if TYPE_CHECKING:
    from waymark_runtime.overrides import Overrides


@dataclass(eq=False, slots=True)
class Lease:
    """Until when work may start for one claim: a `time.monotonic()` deadline the runner moves
    forward after each heartbeat that confirmed the claim, and revokes when it lets go."""

    deadline: float

    def valid(self, now: float) -> bool:
        return now < self.deadline

    def revoke(self) -> None:
        self.deadline = float("-inf")

    @property
    def revoked(self) -> bool:
        return self.deadline == float("-inf")


def lease_margin(ttl: float) -> float:
    """How long before a claim's lease lapses in the database its local deadline passes (a
    tenth of the lease TTL, at most a second): room for clock skew between hosts."""
    return min(1.0, ttl / 10)


STOP_GRACE = 1.0
"""The most a stopped `leased` attempt may take to end before its worker exits; never more than
the lease margin, as the worker stops the attempt that long before its local deadline."""


def stop_grace(ttl: float) -> float:
    """How long before its local lease deadline a `leased` attempt is stopped when its lease was
    not renewed, and how long it then has to end: its stop and grace end by that deadline, so
    before the lease lapses in the database and another runner may start the action again."""
    return min(STOP_GRACE, lease_margin(ttl))


@dataclass(slots=True)
class AttemptOrder:
    """An attempt handed to an executor to run: `key` is the runner's handle for it, echoed back in callbacks."""

    key: Hashable
    action: str
    args: list[Any]
    kwargs: dict[str, Any]
    timeout: float | None
    lease: Lease
    isolate: bool = False
    context: AttemptContext | None = None
    requeued: bool = False  # it waited in a worker that died, and was queued again
    report_start: bool = False
    """Report when it starts (`on_started`): its row says it is queued (runner `_started`)."""
    leased: bool = False
    """It runs only while its claim's lease holds (an action with a concurrency limit: once the
    lease lapses, another runner may start it again, and the two must not overlap)."""


_UNBOUNDED = 1 << 62

DEADLINE_GRACE = 5.0
"""Seconds past an attempt's deadline after which an attempt still running is given up on: its
deadline fired but it did not end (its worker's event loop is blocked, or it caught its
cancellation). It fails with `ActionTimeout`, as its deadline says."""

log = logging.getLogger("waymark.worker")


def overdue_timeout(order: AttemptOrder, why: str) -> Any:
    """The `ActionTimeout` (as JSON) of an attempt still running `DEADLINE_GRACE` past its
    deadline, with what the host did about it (`why`)."""
    return error_json(
        ActionTimeout(f"action timed out after {order.timeout:g}s; it did not stop when {why}")
    )


class Reports(Protocol):
    """What an executor tells its runner, by the keys of the orders."""

    def on_reply(self, key: Hashable, ok: bool, value: Any) -> None:
        """The attempt's outcome."""

    def on_timed_out(self, key: Hashable, value: Any) -> None:
        """The attempt's deadline passed: `value` is its `ActionTimeout`."""

    def on_lost(self, keys: list[Hashable], *, suspect: bool = True) -> None:
        """The attempts died with their process (they may have run), or, not `suspect`, their
        live worker stopped them because their claim's lease lapsed unrenewed."""

    def on_expired(self, keys: list[Hashable]) -> None:
        """The attempts never started: their `Lease` ran out, or the executor holds."""

    def on_started(self, keys: list[Hashable]) -> None:
        """The attempts, sent with `report_start`, started."""

    def on_ended(self, keys: list[Hashable]) -> None:
        """The attempts, of limited actions, no longer execute (they ended, never started,
        or died with their process): a slot held for them past their end may be freed."""

    def on_room(self) -> None:
        """Orders submitted now could start at once again (`free` grew: a worker started, or
        replies freed slots); also: replies were read, so what has not replied still runs."""


class Executor(Protocol):
    @property
    def broken(self) -> asyncio.Event:
        """Set when the executor cannot run attempts any more (`failed` says why)."""

    @property
    def failed(self) -> BaseException | None: ...

    async def start(self) -> None: ...

    def submit(self, orders: list[AttemptOrder]) -> None: ...

    def withdraw_revoked(self) -> None: ...

    def holders(self) -> tuple[set[Hashable], int, bool]:
        """Whose orders are in flight (`AttemptContext.instance_id`), how many of them may
        reply soon, and whether any is `leased`; nothing, when replies cost no wake-up."""

    def quiet(self, until: float) -> None:
        """Successes of what is in flight may be left unread until `until`."""

    def pause(self, paused: bool) -> None:
        """While `paused`, start none of the orders waiting for room (the runner distrusts
        its leases after a stall); what runs goes on."""

    def hold(self) -> None:
        """Start nothing more (the runner is stopping): orders that have not started go back
        to the runner through `on_expired`, never counted as lost."""

    @property
    def in_flight(self) -> int: ...

    @property
    def free(self) -> int:
        """How many orders submitted now would start at once (not wait in a queue)."""

    async def wait_idle(self, timeout: float) -> bool: ...

    def kill(self) -> None: ...

    async def stop(self) -> None: ...


ExecutorFactory = Callable[[Settings, Reports], Executor]


class InProcessExecutor:
    """Every order a task of the running loop, all at once (no slots: nothing to protect)."""

    def __init__(
        self,
        settings: Settings,
        reports: Reports,
        overrides: Overrides | None = None,
        on_ended: Callable[[Hashable], None] | None = None,
    ) -> None:
        self.overrides = overrides  # LocalRuntime's: a test's replacements
        self.reports = reports
        self.on_ended = on_ended
        """Told the key of each order whose execution ended, was given up on, or never
        started: `LocalRuntime` frees the slot a cancel left taken (`execution_ended`)."""
        self.running: dict[asyncio.Task[None], AttemptOrder] = {}
        self.overdue: dict[asyncio.Task[None], asyncio.TimerHandle] = {}
        self.abandoned: set[asyncio.Task[None]] = set()
        self.broken = asyncio.Event()
        self.failed: BaseException | None = None
        self.idle = asyncio.Event()
        self.idle.set()
        self.holding = False

    async def start(self) -> None:
        """Nothing to spawn: orders run in this process."""

    def holders(self) -> tuple[set[Hashable], int, bool]:
        """Nothing: a reply here costs no wake-up of its own, so none is left unread."""
        return set(), 0, False

    def quiet(self, until: float) -> None:
        """Nothing to leave unread."""

    def pause(self, paused: bool) -> None:
        """Nothing waits for room here: every order starts when it is submitted."""

    def submit(self, orders: list[AttemptOrder]) -> None:
        now = time.monotonic()
        expired = [o.key for o in orders if self.holding or not o.lease.valid(now)]
        started = []
        for order in orders:
            if order.lease.valid(now) and not self.holding:
                loop = asyncio.get_running_loop()
                task = loop.create_task(self._run(order))
                self.running[task] = order
                task.add_done_callback(self._finished)
                if order.timeout is not None:
                    after = order.timeout + DEADLINE_GRACE
                    self.overdue[task] = loop.call_later(after, self._give_up, task)
                self.idle.clear()
                if order.report_start:
                    started.append(order.key)
        if expired:
            self._ended(expired)
            self.reports.on_expired(expired)
        if started:
            self.reports.on_started(started)

    async def _run(self, order: AttemptOrder) -> None:
        from waymark_runtime.execute import execute_action

        try:
            outcome = await execute_action(
                order.action,
                order.args,
                order.kwargs,
                timeout=order.timeout,
                overrides=self.overrides,
                context=order.context,
            )
        except GeneratorExit as error:
            if asyncio.current_task() not in self.running:
                raise  # given up on and closed from outside its task (`_abandon`)
            self.reports.on_reply(order.key, False, error_json(error))  # the action raised it
            return
        except asyncio.CancelledError as error:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # `kill`: the attempt is lost (`_finished`)
            self.reports.on_reply(order.key, False, error_json(error))  # the action raised it
            return
        except BaseException as error:  # `SystemExit`, `KeyboardInterrupt` from an action: its
            self.reports.on_reply(order.key, False, error_json(error))  # failure, as in a worker
            return
        if outcome.timed_out:
            self.reports.on_timed_out(order.key, outcome.value)
        else:
            self.reports.on_reply(order.key, bool(outcome.ok), outcome.value)

    def _give_up(self, task: asyncio.Task[None]) -> None:
        """`task` runs `DEADLINE_GRACE` past its deadline: its action caught the cancellation
        of its deadline and went on. Nothing in this process can stop it as the runner stops a
        worker, so its attempt fails with `ActionTimeout` now and the task is abandoned."""
        self.overdue.pop(task, None)
        order = self.running.pop(task, None)
        if order is None or task.done():
            return
        self._ended([order.key])
        log.warning("action %s runs %gs past its deadline of %gs: it did not stop when cancelled "
                    "(it catches asyncio.CancelledError?); its attempt fails with ActionTimeout "
                    "and it is abandoned", order.action, DEADLINE_GRACE, order.timeout)  # fmt: skip
        why = "cancelled (it caught asyncio.CancelledError), so its attempt was abandoned"
        self.reports.on_timed_out(order.key, overdue_timeout(order, why))
        _abandon(task)
        self.abandoned.add(task)
        task.add_done_callback(self.abandoned.discard)
        if not self.running:
            self.idle.set()

    def _finished(self, task: asyncio.Task[None]) -> None:
        if (handle := self.overdue.pop(task, None)) is not None:
            handle.cancel()
        order = self.running.pop(task, None)
        if order is not None:
            self._ended([order.key])
        if task.cancelled() and order is not None:  # killed: the attempt is lost, as in a worker
            self.reports.on_lost([order.key])
        if not self.running:
            self.idle.set()

    def _ended(self, keys: list[Hashable]) -> None:
        if self.on_ended is not None:
            for key in keys:
                self.on_ended(key)

    def withdraw_revoked(self) -> None:
        """Nothing waits in a queue here: an order starts when it is submitted."""

    def hold(self) -> None:
        """Nothing waits here; orders submitted from now on go back unstarted."""
        self.holding = True

    @property
    def in_flight(self) -> int:
        return len(self.running)

    @property
    def free(self) -> int:
        """Every order starts when it is submitted."""
        return _UNBOUNDED

    async def wait_idle(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def kill(self) -> None:
        for task in self.running:
            task.cancel()

    async def stop(self) -> None:
        """Cancel the running attempts and wait for them, `DEADLINE_GRACE` at most: one that
        does not stop when cancelled is abandoned (`_abandon`), so closing never hangs on it."""
        self.kill()
        for handle in self.overdue.values():
            handle.cancel()
        if not self.running:
            return
        _, stubborn = await asyncio.wait(self.running, timeout=DEADLINE_GRACE)
        for task in stubborn:
            order = self.running.pop(task)
            self._ended([order.key])
            log.warning("action %s did not stop when cancelled; it is abandoned", order.action)
            _abandon(task)


def _abandon(task: asyncio.Task[None]) -> None:
    """Close the coroutine of a task that will not stop when cancelled (`GeneratorExit` at its
    `await`: its `finally` blocks run), so it ends at its next wake-up instead of keeping the
    event loop's shutdown waiting for ever; one that catches that as well runs on, abandoned."""
    try:
        task.get_coro().close()
    except RuntimeError:  # "coroutine ignored GeneratorExit"
        log.warning("an abandoned attempt's coroutine could not be closed; it runs on")
        return
    task.cancel()  # wakes it: a closed coroutine ends the task at once
    task.add_done_callback(_quiet)


def _quiet(task: asyncio.Task[None]) -> None:
    """A closed coroutine's task ends with `RuntimeError` (or cancelled): nothing to report."""
    if not task.cancelled():
        with contextlib.suppress(BaseException):
            task.exception()
