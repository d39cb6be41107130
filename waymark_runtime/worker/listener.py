"""What workers say, and their exits: spawning a worker, reading its replies and questions
(lease renewals), and reporting the attempts of a worker that died as lost (or queuing again
those that were still waiting in it)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Hashable

from waymark_runtime import metrics
from waymark_runtime.worker import protocol
from waymark_runtime.worker.executor import AttemptOrder
from waymark_runtime.worker.placement import Placement
from waymark_runtime.worker.pool_base import WorkerStartupError, _Worker, log
from waymark_runtime.worker.slots import Slots

_STARTUP_FAILURES_BEFORE_GIVING_UP = 3
# A worker whose input is closed has nothing left to run: it exits at once, unless something an
# action left behind holds it (a non-daemon thread, an `atexit` handler that blocks).
_EXIT_GRACE = 5.0
# How often a renewal waiting for a late heartbeat looks at its lease again (`_renew`).
_RENEWAL_POLL = 0.05


class Listener(Placement):
    """Spawns workers and listens to each until it exits."""

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
                self.hush.answered(worker)
                running = bool(message.get("running"))
                self._background(self._renew(worker, message["renew"], running))
                continue
            if isinstance(message, dict):
                self._hello(worker)
                continue
            if not all(reply["ok"] for reply in message):
                self.hush.answered(worker)
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
                elif reply.get("lost"):  # stopped as its lease lapsed: the worker lives on
                    self.reports.on_lost([order.key], suspect=False)
                elif reply.get("timed_out"):
                    self.reports.on_timed_out(order.key, reply["value"])
                else:
                    self.reports.on_reply(order.key, reply["ok"], reply["value"])
            self._after_replies(worker)

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
        if self.pending or self.isolated:  # what a freed slot can take; `submit` fills the rest
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

    def _startup_failed(self, worker: _Worker, code: int) -> None:
        self.startup_failures += 1
        if self.startup_failures >= _STARTUP_FAILURES_BEFORE_GIVING_UP:
            self.failed = WorkerStartupError(
                f"worker processes exit before they are ready (last exit code {code}); "
                "check WAYMARK_USER_MODULE and the output above"
            )
            self.broken.set()
