"""The hush's count of urgent frames a worker announced and the runner has not read yet
(`Hush.owed`): a byte too few lets a hush begin over an unread failure, which then waits
for the hush to end; a byte too many keeps every hush from beginning. Rounds of failures
mixed with successes, one frame of each per round and several at once, with the runner
hushing again as soon as it may, must each be heard at once and leave the count at zero.

On a real `WorkerPool` with one worker process of two slots (`test_worker_prefetch._pool`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from tests.runtime.test_hushed_replies import _LONG, _PROMPT, DECLINE, _request
from tests.runtime.test_worker_prefetch import _Heard, _pool, _recorded
from waymark_runtime.worker.executor import AttemptOrder, Lease
from waymark_runtime.worker.pool import WorkerPool


async def _hushing(pool: WorkerPool) -> None:
    """A runner that puts off every step: it hushes again whenever the hush is lifted."""
    while True:
        if not pool.hush.hushed:
            pool.hush.until(time.monotonic() + _LONG)
        await asyncio.sleep(0.005)


def _all_of(heard: _Heard, keys: set[str]) -> Callable[[], bool]:
    return lambda: keys <= set(heard.replied)


async def test_every_urgent_frame_is_counted_once_and_read_at_once(worker_env: Path) -> None:
    heard = _Heard()
    async with _pool(heard) as pool:
        [worker] = pool.workers
        lease = Lease(time.monotonic() + _LONG)
        hushing = asyncio.create_task(_hushing(pool))
        try:
            for round_ in range(6):
                keys = [f"ok{round_}-{i}" for i in range(round_ % 3)]
                failures = [f"no{round_}-{i}" for i in range(1 + round_ % 2)]
                orders = [_recorded(key, 0.0, lease) for key in keys]
                orders += [AttemptOrder(key, DECLINE, ["x"], {}, 30.0, lease) for key in failures]
                worker.writer.write(b"".join(_request(pool, order) for order in orders))
                await asyncio.wait_for(heard.until(_all_of(heard, {*keys, *failures})), _PROMPT)
                assert all(heard.replied[key][0] is False for key in failures)
                await asyncio.sleep(0.05)  # any byte still on its way is heard
                assert pool.hush.owed.get(worker, 0) == 0
                assert pool.hush.hushed  # nothing is owed: the runner may hush again
        finally:
            hushing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await hushing
