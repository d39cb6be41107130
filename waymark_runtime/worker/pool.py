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

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Hashable

from waymark_runtime.worker import protocol
from waymark_runtime.worker.executor import AttemptOrder
from waymark_runtime.worker.listener import Listener
from waymark_runtime.worker.pool_base import WorkerStartupError, _turn_of
from waymark_runtime.worker.watchdog import Watchdog

__all__ = ["WorkerPool", "WorkerStartupError"]


class WorkerPool(Listener, Watchdog):
    """`worker_count` processes, each running up to `concurrent_per_worker` attempts."""

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

    def withdraw_revoked(self) -> None:
        """Forget the queued orders of revoked leases (claims the runner let go of); orders
        already running still reply, and the runner discards what they bring. The worker
        stops the running ones that are `leased` (answered lost)."""
        self.hush.lift()
        dropped = [o for o in [*self.pending, *self.isolated] if o.lease.revoked]
        self.pending.keep(lambda order: not order.lease.revoked)
        self.isolated = deque(order for order in self.isolated if not order.lease.revoked)
        self._ended(dropped)
        if self.draining is not None and self._drained() is None:
            self._fill_soon()  # the worker drained for a suspect let go takes orders again
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

    def pause(self, paused: bool) -> None:
        """While `paused`, start none of the queued orders (the runner distrusts its leases
        after a stall, `Leases.trusted`); what a worker holds or runs goes on."""
        self.paused = paused
        if not paused:
            self._fill_soon()
            self.reports.on_room()  # the gate asks for what the room may take

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
    def free(self) -> int:
        """Free slots of the workers that take orders, less the orders queued for them: how
        many orders submitted now would start at once (none while `paused`)."""
        if self.paused:
            return 0
        slots = sum(max(0, w.slots.concurrent - len(w.slots.running) - len(w.slots.waiting))
                    for w in self._usable() if w is not self._drained())  # fmt: skip
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
