"""A suspect (an attempt whose last try died with its worker) runs alone in a worker, so the
pool drains one worker for it; when the suspect goes instead (its lease ran out or its claim
was let go before it could start), the drained worker takes orders again. Had it stayed
reserved, a runner with one worker would start nothing more: its gate asks for no slots
(`WorkerPool.free` says 0) and the orders it already has stay queued, slots taken, for ever.
On a real `WorkerPool`."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Hashable
from pathlib import Path

from tests.runtime.test_worker_prefetch import _Heard, _pool, _recorded
from waymark_runtime.worker.executor import Lease
from waymark_runtime.worker.pool import WorkerPool


async def _suspect_behind(pool: WorkerPool, kept: Lease, lease: Lease, seconds: float) -> None:
    """`k0` runs `seconds` on the pool's only worker; then a suspect `s0` under `lease` waits
    for that worker to drain."""
    pool.submit([_recorded("k0", seconds, kept)])
    await asyncio.sleep(0.2)
    suspect = _recorded("s0", 0.0, lease)
    suspect.isolate = True
    pool.submit([suspect])


async def test_a_suspect_withdrawn_before_it_starts_leaves_its_drained_worker_usable(
    worker_env: Path,
) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        kept, lapsing = Lease(time.monotonic() + 600), Lease(time.monotonic() + 600)
        await _suspect_behind(pool, kept, lapsing, 1.0)
        await asyncio.sleep(0.1)  # placing it: the worker drains for it
        assert pool.free == 0
        lapsing.revoke()  # its claim is let go before it could start
        pool.withdraw_revoked()
        assert pool.free == 1  # k0 runs in one of the worker's two slots
        pool.submit([_recorded("k1", 0.0, kept)])
        await heard.until(lambda: "k1" in heard.replied)
        assert "k0" not in heard.replied  # it started beside k0, not after it


async def test_a_suspect_whose_lease_ran_out_leaves_its_drained_worker_usable(
    worker_env: Path,
) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        kept, short = Lease(time.monotonic() + 600), Lease(time.monotonic() + 0.5)
        await _suspect_behind(pool, kept, short, 1.5)
        await asyncio.sleep(0.3)  # its lease runs out while it waits
        pool.submit([_recorded("k1", 0.0, kept)])  # placing it finds the suspect expired
        await heard.until(lambda: "k1" in heard.replied)
        assert heard.expired == ["s0"] and "k0" not in heard.replied


class _Suspects(_Heard):
    """What a pool reported lost, and whether as suspects."""

    def __init__(self) -> None:
        super().__init__()
        self.suspects: list[bool] = []

    def on_lost(self, keys: list[Hashable], *, suspect: bool = True) -> None:
        super().on_lost(keys, suspect=suspect)
        self.suspects += [suspect] * len(keys)
        self.changed.set()


async def test_an_attempt_its_worker_stopped_as_the_lease_lapsed_is_lost_but_no_suspect(
    worker_env: Path,
) -> None:
    """A limited action's attempt whose lease is not renewed is stopped by its live worker and
    answered lost; the worker did not die, so it is not run again alone as a suspect. A worker
    killed under its attempts still makes them suspects."""
    heard = _Suspects()
    async with _pool(heard, WAYMARK_LOCK_TTL_MS="2000", WAYMARK_LOCK_HEARTBEAT_MS="500") as pool:
        order = _recorded("l0", 30.0, Lease(time.monotonic() + 1.0))
        order.leased = True
        pool.submit([order])
        await heard.until(lambda: heard.lost == ["l0"])
        assert heard.suspects == [False] and pool.workers[0].process.returncode is None
        pool.submit([_recorded("d0", 30.0, Lease(time.monotonic() + 600))])
        await asyncio.sleep(0.3)
        os.kill(pool.workers[0].process.pid, signal.SIGKILL)
        await heard.until(lambda: heard.lost == ["l0", "d0"])
    assert heard.suspects == [False, True] and heard.replied == {}
