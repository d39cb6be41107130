"""The pool of worker processes inside `start-workers`: spawn, dispatch, recycle, detect loss.

The runner submits attempts (`AttemptOrder`); the pool hands each to the least loaded live worker with
room (at most `concurrent_per_worker` running per process, and while its attempts are short a
few more waiting in it: `slots.Slots`), taking turns between instances so a huge gather does not
hold back the attempts queued after it (`fair.FairQueue`), and reports every reply, or the loss
of every attempt that may have started on a worker that died (those that were still waiting in
it are queued again). An order carries the
`Lease` it runs under: once the lease's deadline has passed the order is not started (neither here
nor in the worker) and is reported `expired` instead. Of instances it knows only the id it takes
turns by; retries and the database are the runner's: it decides what a reply, a loss or an
expiry means.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sys
import time
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime import metrics
from waymark_runtime.config import Settings
from waymark_runtime.errors import WaymarkError
from waymark_runtime.values import ValueNotSerializable, error_json
from waymark_runtime.worker import protocol
from waymark_runtime.worker.executor import (
    DEADLINE_GRACE,
    AttemptOrder,
    Reports,
    overdue_timeout,
    stop_grace,
)
from waymark_runtime.worker.fair import FairQueue
from waymark_runtime.worker.hush import Hush
from waymark_runtime.worker.protocol import Request
from waymark_runtime.worker.slots import Slots

log = logging.getLogger("waymark.worker")

_STARTUP_FAILURES_BEFORE_GIVING_UP = 3
# A worker whose attempt is this far past its deadline has stopped running its event loop
# (the deadline itself is enforced inside the worker and ends the attempt as ActionTimeout).
_DEADLINE_GRACE = DEADLINE_GRACE
# A worker whose input is closed has nothing left to run: it exits at once, unless something an
# action left behind holds it (a non-daemon thread, an `atexit` handler that blocks).
_EXIT_GRACE = 5.0
# How often a renewal waiting for a late heartbeat looks at its lease again (`_renew`).
_RENEWAL_POLL = 0.05


class WorkerStartupError(WaymarkError):
    """worker processes could not start (see the worker output above)"""


@dataclass(eq=False)
class _Worker:
    process: asyncio.subprocess.Process
    writer: asyncio.StreamWriter
    reader: asyncio.StreamReader
    reading: asyncio.ReadTransport
    slots: Slots
    in_flight: dict[int, AttemptOrder] = field(default_factory=dict)
    started: int = 0
    ready: bool = False
    retiring: bool = False
    exclusive: bool = False
    next_id: int = 0
    deadlines: dict[int, float] = field(default_factory=dict)


def _load(worker: _Worker) -> int:
    """Requests a worker holds, running or waiting in it."""
    return len(worker.in_flight)


def _turn_of(order: AttemptOrder) -> Hashable:
    """Whose turn an order waits for: its instance (an order without a context waits with others)."""
    return order.context.instance_id if order.context is not None else None


class WorkerPool:
    """`worker_count` processes, each running up to `concurrent_per_worker` attempts."""

    def __init__(self, settings: Settings, reports: Reports) -> None:
        self.settings = settings
        self.reports = reports
        self.stop_grace = stop_grace(settings.lock_ttl_ms / 1000)
        self.workers: list[_Worker] = []
        self.pending: FairQueue[AttemptOrder] = FairQueue(_turn_of)
        self.isolated: deque[AttemptOrder] = deque()
        self.draining: _Worker | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        self.stopping = False
        self.holding = False  # `hold`: nothing more starts
        self.startup_failures = 0
        self.failed: WorkerStartupError | None = None
        self.idle = asyncio.Event()
        self.broken = asyncio.Event()
        self.changed = asyncio.Event()
        self.fill_scheduled = False
        self.hush = Hush()
        self.watching = asyncio.Event()  # `_watchdog`: a deadline earlier than `watch_at`
        self.watch_at = math.inf

    async def start(self) -> None:
        """Spawn every worker and wait until each has imported the user modules."""
        self._background(self._watchdog())
        await asyncio.gather(*(self._spawn() for _ in range(self.settings.worker_count)))
        while not all(worker.ready for worker in self.workers):
            if self.failed:
                raise self.failed
            self.changed.clear()
            await self.changed.wait()

    def submit(self, orders: list[AttemptOrder]) -> None:
        """Queue `orders`; they are written to workers once this turn of the event loop ends,
        so a turn's submissions and freed slots make one frame per worker, and a caller that
        goes on to send a commit sends it first (the commit's flush is the longer wait)."""
        self.hush.lift()
        for order in orders:
            (self.isolated if order.isolate else self.pending).append(order)
        self._fill_soon()

    def quiet(self, until: float) -> None:
        """Leave the workers' replies unread until `until` (`time.monotonic()`): the caller
        knows that nothing acts on a success of what is in flight before then (`hush.py`).
        Not while orders are queued and a worker would run out of work before then (short
        attempts: their slots would idle). A reply that is not a success, new orders, a
        withdrawal or a stop end it early."""
        if self.stopping or self.holding:
            return
        if self.fill_scheduled:  # what was submitted this turn goes out first
            self._fill()
        if self.pending or self.isolated:  # not if a slot that could take one would idle
            now = time.monotonic()
            if any(w.slots.busy_until(now) < until for w in self._usable()):
                return
        self.hush.until(until)

    def holders(self) -> tuple[set[Hashable], int, bool]:
        """Whose orders are in flight (the turns they take, `_turn_of`), how many of them a
        worker holds, and whether any of them is `leased`. What was submitted this turn is
        sent first: those still queued after that cannot reply before replies are read."""
        if self.fill_scheduled:
            self._fill()
        holders = set(self.pending.groups)
        holders.update(_turn_of(order) for order in self.isolated)
        held = 0
        leased = any(order.leased for order in self.isolated)
        for worker in self.workers:
            held += len(worker.in_flight)
            for order in worker.in_flight.values():
                holders.add(_turn_of(order))
                leased = leased or order.leased
        return holders, held, leased

    def _fill_soon(self) -> None:
        if not self.fill_scheduled:
            self.fill_scheduled = True
            asyncio.get_running_loop().call_soon(self._scheduled_fill)

    def _scheduled_fill(self) -> None:
        self.fill_scheduled = False
        if not self.stopping:
            self._fill()

    def withdraw_revoked(self) -> None:
        """Forget the queued orders of revoked leases (claims the runner let go of); orders
        already running still reply, and the runner discards what they bring. The worker
        stops the running ones that are `leased` (answered lost)."""
        self.hush.lift()
        dropped = [o for o in [*self.pending, *self.isolated] if o.lease.revoked]
        self.pending.keep(lambda order: not order.lease.revoked)
        self.isolated = deque(order for order in self.isolated if not order.lease.revoked)
        self._ended(dropped)
        for worker in self.workers:
            if worker.writer.is_closing():
                continue
            waiting = set(worker.slots.waiting)
            revoked = [i for i in waiting if worker.in_flight[i].lease.revoked]
            if revoked:  # they are answered `skipped`
                worker.writer.write(protocol.encode({"withdraw": revoked}))
            stopped = [i for i, order in worker.in_flight.items()
                       if order.leased and order.lease.revoked and i not in waiting]  # fmt: skip
            if stopped:
                worker.writer.write(protocol.encode({"stop": stopped}))
        if not self.in_flight:
            self.idle.set()

    def hold(self) -> None:
        """Start nothing more (the runner is stopping): queued orders go back to the runner
        (`on_expired`), those a worker holds unstarted are withdrawn (answered `skipped`, and
        so back the same way); only what already runs is let finish."""
        self.holding = True
        self.hush.lift()
        unstarted = [order.key for order in [*self.pending, *self.isolated]]
        self._ended([*self.pending, *self.isolated])
        self.pending.keep(lambda order: False)
        self.isolated.clear()
        for worker in self.workers:
            waiting = list(worker.slots.waiting)
            if waiting and not worker.writer.is_closing():
                worker.writer.write(protocol.encode({"withdraw": waiting}))
        if unstarted:
            self.reports.on_expired(unstarted)
        if not self.in_flight:
            self.idle.set()

    @property
    def in_flight(self) -> int:
        queued = len(self.pending) + len(self.isolated)
        return queued + sum(len(w.in_flight) for w in self.workers)

    @property
    def free(self) -> int:
        """Free slots of the workers that take orders, less the orders queued for them: how
        many orders submitted now would start at once."""
        slots = sum(max(0, w.slots.concurrent - len(w.slots.running) - len(w.slots.waiting))
                    for w in self._usable() if w is not self.draining)  # fmt: skip
        return max(0, slots - len(self.pending) - len(self.isolated))

    async def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is in flight; `False` when `timeout` seconds passed first."""
        while self.in_flight:
            self.idle.clear()
            try:
                await asyncio.wait_for(self.idle.wait(), timeout)
            except TimeoutError:
                return False
        return True

    async def stop(self) -> None:
        """Close every worker's input (they finish what they run) and wait for them to exit."""
        self.stopping = True
        self.hush.lift()
        for worker in self.workers:
            self._let_go(worker)
        await asyncio.gather(*(w.process.wait() for w in self.workers), return_exceptions=True)
        for task in list(self.tasks):
            task.cancel()

    def kill(self) -> None:
        """Kill every worker now (their attempts are reported lost); none is started again."""
        self.stopping = self.holding = True
        self.hush.lift()
        for worker in self.workers:
            with contextlib.suppress(ProcessLookupError):
                worker.process.kill()

    # dispatch -----------------------------------------------------------------------------

    def _fill(self) -> None:
        """Hand pending orders to workers with room (free slots, or a prefetch to top up,
        `Slots.room`), the least loaded first; one frame per worker per call."""
        if self.holding:
            return
        batches: dict[_Worker, list[bytes]] = {}
        expired: list[AttemptOrder] = []
        self._place_isolated(batches, expired)
        now = time.monotonic()
        room = {w: w.slots.room(now) for w in self._usable() if w is not self.draining}
        while self.pending:
            worker = min((w for w, free in room.items() if free > 0), key=_load, default=None)
            if worker is None:
                break
            order = self.pending.popleft()
            if self._startable(order, expired):
                request = self._assign(worker, order)
                if request is not None:
                    batches.setdefault(worker, []).append(request)
                    room[worker] -= 1
        for worker, batch in batches.items():
            worker.writer.write(protocol.encode_list(batch))
        if expired:
            self._ended(expired)
            self.reports.on_expired([order.key for order in expired])

    @staticmethod
    def _startable(order: AttemptOrder, expired: list[AttemptOrder]) -> bool:
        """An order whose lease ran out goes back to the runner instead of starting."""
        if order.lease.valid(time.monotonic()):
            return True
        expired.append(order)
        return False

    def _place_isolated(
        self, batches: dict[_Worker, list[bytes]], expired: list[AttemptOrder]
    ) -> None:
        """A suspect (its last try died with its worker) runs alone in a worker, so a crash
        it causes is not blamed on bystanders. One worker drains to make room for it."""
        while self.isolated:
            if not self._startable(self.isolated[0], expired):
                self.isolated.popleft()
                continue
            idle = [w for w in self._usable() if not w.in_flight and w not in batches]
            if not idle:
                if self.draining is None or self.draining not in self.workers:
                    self.draining = min(self._usable(), key=_load, default=None)
                return
            worker = self.draining if self.draining in idle else idle[0]
            self.draining = None
            request = self._assign(worker, self.isolated.popleft())
            if request is not None:
                worker.exclusive = True
                batches[worker] = [request]

    def _usable(self) -> list[_Worker]:
        return [w for w in self.workers if w.ready and not w.retiring and not w.exclusive]

    def _assign(self, worker: _Worker, order: AttemptOrder) -> bytes | None:
        """`order` as an encoded request, counted on `worker` (None: refused, see `_encoded`)."""
        worker.next_id += 1
        encoded = self._encoded(order, protocol.request_of(worker.next_id, order, self.stop_grace))
        if encoded is None:
            return None
        worker.started += 1
        worker.in_flight[worker.next_id] = order
        now = time.monotonic()
        if worker.slots.sent(worker.next_id, now):
            self._started(worker, worker.next_id, now)
        self._maybe_retire(worker)
        return encoded

    def _started(self, worker: _Worker, request_id: int, now: float) -> None:
        """The watchdog's deadline runs from an attempt's start, not from its wait in the
        worker; an order that asks is reported started."""
        order = worker.in_flight[request_id]
        if order.timeout is not None:
            deadline = worker.deadlines[request_id] = now + order.timeout + _DEADLINE_GRACE
            if deadline < self.watch_at:
                self.watching.set()
        if order.report_start:
            self.reports.on_started([order.key])

    def _encoded(self, order: AttemptOrder, request: Request) -> bytes | None:
        """`request` as JSON; one that will not encode (a last guard: the codec's output always
        does) fails its attempt at once, alone."""
        try:
            return protocol.dumps(request)
        except Exception as error:
            why = f"{type(error).__name__}: {error}"
            refused = ValueNotSerializable(
                f"the arguments of action {order.action!r} cannot be sent: {why}"
            )
            self.reports.on_reply(order.key, False, error_json(refused))
            return None

    def _maybe_retire(self, worker: _Worker) -> None:
        """Past its action budget a worker gets a replacement first, then drains and exits
        (its input is closed once its last attempt replies)."""
        limit = self.settings.max_action_lifecycle
        if limit is None or worker.retiring or worker.started < limit:
            return
        worker.retiring = True
        log.info("recycling worker %s after %s actions", worker.process.pid, worker.started)
        self._background(self._spawn())

    # process lifecycle --------------------------------------------------------------------

    async def _spawn(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        urgent_r, urgent_w = os.pipe()
        env = {
            **os.environ,
            "WAYMARK_WORKER_PROCESS": "1",
            "WAYMARK_USER_MODULE": ",".join(self.settings.user_modules),
            # The worker splits its reply frames under the limit this runner reads them with.
            "WAYMARK_MAX_PAYLOAD_BYTES": str(self.settings.max_payload_bytes),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "waymark_runtime.worker.main",
            str(to_worker_r),
            str(from_worker_w),
            str(self.settings.concurrent_per_worker),
            str(urgent_w),
            pass_fds=(to_worker_r, from_worker_w, urgent_w),
            stdin=asyncio.subprocess.DEVNULL,
            env=env,
        )
        os.close(to_worker_r)
        os.close(from_worker_w)
        os.close(urgent_w)
        reader, writer, reading = await protocol.open_pipes(from_worker_r, to_worker_w)
        slots = Slots(self.settings.concurrent_per_worker)
        worker = _Worker(process=process, writer=writer, reader=reader, reading=reading,
                         slots=slots)  # fmt: skip
        self.hush.watch(worker, reading, urgent_r)
        self.workers.append(worker)
        self._background(self._listen(worker))

    def _let_go(self, worker: _Worker) -> None:
        """Close `worker`'s input, so it finishes and exits; kill it if it is still there
        `_EXIT_GRACE` seconds later (what it ran was answered already)."""
        if worker.writer.is_closing():
            return
        worker.writer.close()
        self._background(self._reap(worker))

    async def _reap(self, worker: _Worker) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(worker.process.wait()), _EXIT_GRACE)
        except TimeoutError:
            log.warning("worker %s did not exit %gs after its work ended (a thread an action "
                        "started?); killing it", worker.process.pid, _EXIT_GRACE)  # fmt: skip
            with contextlib.suppress(ProcessLookupError):
                worker.process.kill()

    def _background(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _listen(self, worker: _Worker) -> None:
        try:
            await self._read(worker)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # A frame outside the protocol (an action wrote on the worker's reply pipe): what
            # follows cannot be trusted, so the worker is stopped as if it had crashed.
            log.error("worker %s sent a malformed frame (%s: %s); stopping it",
                      worker.process.pid, type(error).__name__, error)  # fmt: skip
            with contextlib.suppress(ProcessLookupError):
                worker.process.kill()
        # Its reply pipe is closed: it is exiting, or an action closed that pipe and the
        # worker is stopped after the grace, so that its attempts are known lost.
        await self._reap(worker)
        await self._exited(worker)

    async def _read(self, worker: _Worker) -> None:
        limit = protocol.frame_limit(self.settings.max_payload_bytes)
        stall = protocol.FRAME_STALL_SECONDS
        while (message := await protocol.read_frame(worker.reader, limit, stall)) is not None:
            if isinstance(message, dict) and "renew" in message:
                running = bool(message.get("running"))
                self._background(self._renew(worker, message["renew"], running))
                continue
            if isinstance(message, dict):
                self._hello(worker)
                continue
            now = time.monotonic()
            for reply in message:
                order = worker.in_flight.pop(reply["id"], None)
                if order is None:  # timed out by the watchdog, which reported it
                    continue
                worker.deadlines.pop(reply["id"], None)
                ran = not reply.get("skipped")
                for begun in worker.slots.ended(reply["id"], now, ran=ran, runs=reply.get("ran")):
                    self._started(worker, begun, now)
                self._ended([order])
                if reply.get("skipped"):
                    self.reports.on_expired([order.key])
                elif reply.get("lost"):
                    self.reports.on_lost([order.key])
                elif reply.get("timed_out"):
                    self.reports.on_timed_out(order.key, reply["value"])
                else:
                    self.reports.on_reply(order.key, reply["ok"], reply["value"])
            self._after_replies(worker)

    async def _watchdog(self) -> None:
        """An attempt far past its deadline means its worker no longer runs its event loop
        (blocking code): that attempt fails with `ActionTimeout`, as its deadline says, and the
        worker is killed, so its other attempts are retried as lost. It wakes when the
        earliest deadline it knows of falls due (`_started` wakes it for an earlier one), not
        on a tick: an idle or busy runner is not woken for nothing."""
        while not self.stopping:
            now = time.monotonic()
            earliest = min((deadline for worker in self.workers
                            for deadline in worker.deadlines.values()), default=math.inf)  # fmt: skip
            if earliest > now:
                self.watching.clear()
                self.watch_at = earliest
                with contextlib.suppress(TimeoutError):
                    wait = None if earliest == math.inf else earliest - now
                    await asyncio.wait_for(self.watching.wait(), wait)
                continue
            for worker in list(self.workers):
                overdue = [r for r, deadline in worker.deadlines.items() if deadline < now]
                if not overdue:
                    continue
                log.warning("worker %s is stuck past an attempt's deadline; killing it",
                            worker.process.pid)  # fmt: skip
                for request_id in overdue:
                    self._timed_out(worker, request_id)
                with contextlib.suppress(ProcessLookupError):
                    worker.process.kill()

    def _timed_out(self, worker: _Worker, request_id: int) -> None:
        """Fail an attempt that blocked `worker` past its deadline (its reply, should one come
        before the kill, is ignored)."""
        order = worker.in_flight.pop(request_id)
        del worker.deadlines[request_id]
        self._ended([order])  # the caller kills its worker before anything else runs
        why = (
            "cancelled: it blocked its worker's event loop (sync I/O, time.sleep, a CPU "
            "loop) or caught the cancellation and went on, so the worker was stopped"
        )
        self.reports.on_timed_out(order.key, overdue_timeout(order, why))

    async def _renew(self, worker: _Worker, request_ids: list[int], running: bool) -> None:
        """Answer a worker holding requests past their `not_after` (or, `running`, `leased`
        requests nearing it while they run): each one's lease deadline now (a heartbeat moves
        it on), or a past one when it must not start or go on (the lease is revoked, the pool
        holds and the request has not started, the request is gone). A lease that has lapsed but is not
        revoked may yet be confirmed by a heartbeat late on its way: the answer waits for it,
        at most a lease TTL. So a request that takes longer than the lease to arrive (a large
        argument) still starts, and never past a deadline this runner's heartbeats confirmed."""
        orders = [worker.in_flight.get(request_id) for request_id in request_ids]
        give_up = time.monotonic() + self.settings.lock_ttl_ms / 1000
        while any(self._lapsed(order) for order in orders) and time.monotonic() < give_up:
            await asyncio.sleep(_RENEWAL_POLL)
        now = time.monotonic()
        deadlines = [[request_id, self._deadline(order, now, running)]
                     for request_id, order in zip(request_ids, orders, strict=True)]  # fmt: skip
        if not worker.writer.is_closing():
            worker.writer.write(protocol.encode({"renewed": deadlines}))

    def _lapsed(self, order: AttemptOrder | None) -> bool:
        """Its lease ran out but may yet be confirmed (not revoked, the pool does not hold)."""
        if order is None or self.holding or order.lease.revoked:
            return False  # (a `leased` one is stopped `stop_grace` before its deadline)
        return not order.lease.valid(time.monotonic() + (self.stop_grace if order.leased else 0))

    def _deadline(self, order: AttemptOrder | None, now: float, running: bool) -> float:
        """The deadline a worker may start (or, `running`, go on running) the order until: a
        holding pool starts nothing more but lets what runs finish."""
        if order is None or (self.holding and not running) or not order.lease.valid(now):
            return 0.0  # long past on every host's monotonic clock
        return order.lease.deadline

    def _hello(self, worker: _Worker) -> None:
        worker.ready = True
        self.changed.set()
        self.startup_failures = 0
        self._fill()
        self.reports.on_room()

    def _after_replies(self, worker: _Worker) -> None:
        if not worker.in_flight:
            worker.exclusive = False
            if worker.retiring:
                self._let_go(worker)
        self._fill_soon()
        self.reports.on_room()
        if not self.in_flight:
            self.idle.set()

    async def _exited(self, worker: _Worker) -> None:
        code = await worker.process.wait()
        self.workers.remove(worker)
        self.hush.forget(worker)
        worker.writer.close()
        lost = self._requeue_waiting(worker)
        if lost:
            log.warning(
                "worker %s exited (code %s) with %s attempts in flight",
                worker.process.pid,
                code,
                len(lost),
            )
            self.reports.on_lost(lost)
        if not worker.ready:
            self._startup_failed(worker, code)
        self.changed.set()
        if not self.stopping and not worker.retiring and self.failed is None:
            if (recording := metrics.current()) is not None:
                recording.restarts.inc()
            self._background(self._spawn())
        self._fill()
        if not self.in_flight:
            self.idle.set()

    def _requeue_waiting(self, worker: _Worker) -> list[Hashable]:
        """The keys of a dead worker's attempts that may have started (lost); those that were
        still waiting in it never started and are queued again, once: should one have started
        after all (its freeing reply still unwritten in a full pipe), its next loss counts."""
        waiting = set(worker.slots.waiting)
        lost = []
        for request_id, order in worker.in_flight.items():
            if request_id in waiting and not order.requeued:
                order.requeued = True
                (self.isolated if order.isolate else self.pending).append(order)
            else:
                lost.append(order)
        self._ended(lost)  # their process is gone
        return [order.key for order in lost]

    def _ended(self, orders: list[AttemptOrder]) -> None:
        """These orders of limited actions (`leased`) no longer execute on any worker of
        this pool (they ended, never started, or their process is gone): the runner frees the
        slots a cancel or their instance's end left taken (`Reports.on_ended`)."""
        keys = [order.key for order in orders if order.leased]
        if keys:
            self.reports.on_ended(keys)

    def _startup_failed(self, worker: _Worker, code: int) -> None:
        self.startup_failures += 1
        if self.startup_failures >= _STARTUP_FAILURES_BEFORE_GIVING_UP:
            self.failed = WorkerStartupError(
                f"worker processes exit before they are ready (last exit code {code}); "
                "check WAYMARK_USER_MODULE and the output above"
            )
            self.broken.set()
