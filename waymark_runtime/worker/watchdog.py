"""The deadline-driven watchdog: a worker stuck far past an attempt's deadline is killed."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time

from waymark_runtime.worker.executor import overdue_timeout
from waymark_runtime.worker.pool_base import PoolBase, _Worker, log


class Watchdog(PoolBase):
    """Wakes when the earliest deadline of an attempt running on a worker falls due."""

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
                worker.killed = True  # (a retry of what timed out must not go to it)
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
