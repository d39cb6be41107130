"""A `leased` attempt (an action with a concurrency limit) whose runner is frozen is stopped,
and given its grace to end, before the claim's lease lapses in the database: with a short lease
(a tenth of it is the margin between the local deadline and the database's), an action that
catches the cancellation still ends, with its worker, before another runner may start the
action again, never beside it."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import waymark
from tests.runtime import flow_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process

MODULE = "tests.runtime.flow_flows"


def _env(database: str) -> dict[str, str]:
    return start_workers_env(database, WAYMARK_USER_MODULE=MODULE, WAYMARK_LOCK_TTL_MS="1000",
                             WAYMARK_LOCK_HEARTBEAT_MS="200",
                             WAYMARK_EXPIRED_LOCK_RECLAIMER_INTERVAL_MS="100")  # fmt: skip


async def _until(found: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not callable(found) or not found():
        assert time.monotonic() < deadline, f"{what} did not happen"
        await asyncio.sleep(0.05)


def _lines(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


async def test_a_stubborn_attempt_of_a_frozen_runner_ends_before_its_lease_lapses(
    database: str, tmp_path: Path, record: Path
) -> None:
    """The stubborn action's last sign of life comes before its slot's lease lapses (before
    the fix it ran a second past the local deadline, nine tenths of a second past the lapse)
    and before the next attempt of the action starts on the other runner."""
    first, second = tmp_path / "runner-1.log", tmp_path / "runner-2.log"
    async with waymark.connect(database) as client:
        with start_workers_process(_env(database), first) as frozen:
            await _until(lambda: " ready" in first.read_text(errors="replace"), "runner 1 ready")
            holder = await flows.Stubborn().run("a", True, _blocking=False)
            await _until(lambda: len(_lines(record)) >= 2, "the stubborn action started")
            with start_workers_process(_env(database), second):
                await _until(lambda: " ready" in second.read_text(errors="replace"), "runner 2")
                os.kill(frozen.pid, signal.SIGSTOP)  # its worker goes on
                try:
                    await waymark.cancel(holder)
                    store = await client.store()
                    lapses = await store.pool.fetchval(
                        "SELECT max(slot_until) FROM waymark_attempts WHERE instance_id = $1",
                        holder,
                    )
                    waiter = await flows.Stubborn().run("b", False, _blocking=False)
                    assert await asyncio.wait_for(client.get_result(waiter), 60) == "b"
                finally:
                    os.kill(frozen.pid, signal.SIGCONT)
    lines = _lines(record)
    [began] = [float(at) for kind, tag, at in lines if (kind, tag) == ("start", "b")]
    ended = max(float(at) for _, tag, at in lines if tag == "a")
    assert ended < lapses.timestamp()  # its slot was still held: it ran within the lease
    assert ended < began
