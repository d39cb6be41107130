"""Placing attempts on workers: the least loaded live worker with room takes the next order,
turn by turn between instances (`fair.FairQueue`); a suspect runs alone in a worker."""

from __future__ import annotations

import asyncio
import time

from waymark_runtime.values import ValueNotSerializable, error_json
from waymark_runtime.worker import protocol
from waymark_runtime.worker.executor import DEADLINE_GRACE, AttemptOrder
from waymark_runtime.worker.pool_base import PoolBase, _load, _Worker, log
from waymark_runtime.worker.protocol import Request

# A worker whose attempt is this far past its deadline has stopped running its event loop
# (the deadline itself is enforced inside the worker and ends the attempt as ActionTimeout).
_DEADLINE_GRACE = DEADLINE_GRACE


class Placement(PoolBase):
    """Hands queued orders to workers, one frame per worker per turn of the event loop."""

    def _fill_soon(self) -> None:
        if not self.fill_scheduled:
            self.fill_scheduled = True
            asyncio.get_running_loop().call_soon(self._scheduled_fill)

    def _scheduled_fill(self) -> None:
        self.fill_scheduled = False
        if not self.stopping:
            self._fill()

    def _fill(self) -> None:
        """Hand pending orders to workers with room (free slots, or a prefetch to top up,
        `Slots.room`), the least loaded first; one frame per worker per call. With nothing
        queued there is nothing to place (a reply's freed slot, a commit's empty dispatch)."""
        if self.holding or self.paused or not (self.pending or self.isolated):
            return
        batches: dict[_Worker, list[bytes]] = {}
        expired: list[AttemptOrder] = []
        self._place_isolated(batches, expired)
        now = time.monotonic()
        drained = self._drained()
        room = {w: w.slots.room(now) for w in self._usable() if w is not drained}
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

    def _drained(self) -> _Worker | None:
        """The worker kept empty for a suspect to run alone in; none once no suspect waits
        (placed, or gone: its lease ran out, its claim was let go). Left reserved for a suspect
        that is gone, a runner's only worker would take no order again."""
        if not self.isolated:
            self.draining = None
        return self.draining

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
