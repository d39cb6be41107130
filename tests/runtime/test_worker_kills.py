"""A worker process SIGKILLed while it writes a large batch of replies: the replies it wrote
whole are delivered once, the rest of its attempts are reported lost once (the runner runs them
again), none is both or neither, and the worker started in its place answers what comes next.

On a real `WorkerPool` with one worker process of two slots (`test_worker_prefetch._pool`)."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.test_worker_prefetch import _Heard, _pool, _recorded
from waymark_runtime.worker.executor import Lease

pytestmark = pytest.mark.fault

COUNT, SIZE = 240, 24_000  # ~6 MB of replies: a hundred pipe buffers


class _Counted(_Heard):
    """`_Heard`, counting every reply and loss of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: collections.Counter[Hashable] = collections.Counter()

    def on_reply(self, key: Hashable, ok: bool, value: Any) -> None:
        self.replies[key] += 1
        super().on_reply(key, ok, value)

    def on_lost(self, keys: list[Hashable], *, suspect: bool = True) -> None:
        super().on_lost(keys, suspect=suspect)
        self.changed.set()


async def test_a_worker_killed_mid_reply_batch_loses_and_repeats_no_reply(
    worker_env: Path,
) -> None:
    heard = _Counted()
    keys = [f"{i:04d}" + "x" * SIZE for i in range(COUNT)]  # `recorded` answers with its key
    async with _pool(heard) as pool:
        [worker] = pool.workers
        lease = Lease(time.monotonic() + 600)
        pool.submit([_recorded(key, 0.0, lease) for key in keys])
        await heard.until(lambda: len(heard.replied) >= COUNT // 3)
        os.kill(worker.process.pid, signal.SIGKILL)
        await heard.until(lambda: len(heard.replied) + len(heard.lost) >= COUNT)
        assert not set(heard.replied) & set(heard.lost)  # a loss is run again: never both
        assert set(heard.replied) | set(heard.lost) == set(keys)
        assert max(heard.replies.values()) == 1 and len(heard.lost) == len(set(heard.lost))
        assert all(heard.replied[key] == (True, key) for key in heard.replied)
        assert heard.lost, "the worker died with its attempts answered: no batch was cut"
        again = [_recorded(f"again{i}", 0.0, Lease(time.monotonic() + 600)) for i in range(4)]
        pool.submit(again)  # the worker in its place
        await asyncio.wait_for(heard.until(lambda: len(heard.replied) + len(heard.lost)
                                           >= COUNT + 4), 20)  # fmt: skip
        assert {f"again{i}" for i in range(4)} <= set(heard.replied)
        assert pool.workers[0].process.pid != worker.process.pid
