"""A `start-workers` process frozen (SIGSTOP) just before it sends the commit that consumes a
signal (`tests.runtime.paused_signal`), past its lease: another runner takes the instance
over and delivers that signal itself; the frozen runner, continued, has its commit refused by
the fence. Each signal is received once, in order, and the workflow gives its result."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

import waymark
from tests.runtime import signal_flows as flows
from tests.runtime.support import frozen, start_workers_env, start_workers_process
from tests.runtime.test_steering_faults import rows

pytestmark = pytest.mark.fault
PAUSING = [sys.executable, "-m", "tests.runtime.paused_signal"]


async def test_a_runner_frozen_before_the_commit_that_consumes_a_signal(
    database: str, tmp_path: Path
) -> None:
    env = start_workers_env(database, WAYMARK_USER_MODULE="tests.runtime.signal_flows")
    async with waymark.connect(database) as client:
        ids = [await flows.Collect().run(3, _blocking=False) for _ in range(3)]
        with start_workers_process(env, tmp_path / "paused.log", PAUSING) as paused:
            await asyncio.sleep(1.0)  # the waits are committed
            for turn in range(3):
                for n, instance_id in enumerate(ids):
                    await waymark.send_signal(instance_id, "item", 10 * n + turn)
            await frozen(paused, timeout=30)  # a commit consuming a signal, unsent
            try:
                with start_workers_process(env, tmp_path / "other.log"):
                    outcome = await asyncio.wait_for(
                        asyncio.gather(*(client.get_result(i) for i in ids)), 40
                    )
            finally:
                os.kill(paused.pid, signal.SIGCONT)
            await asyncio.sleep(3.0)  # its commit is sent, and refused
            assert paused.poll() is None
    assert outcome == [[10 * n + turn for turn in range(3)] for n in range(3)]
    found = await rows(database, "SELECT count(*) AS n FROM waymark_signals"
                       " WHERE consumed_at IS NULL")  # fmt: skip
    assert found[0]["n"] == 0
    ended = await rows(database, "SELECT status FROM waymark_instances WHERE id = ANY($1::uuid[])",
                       ids)  # fmt: skip
    assert {row["status"] for row in ended} == {"completed"}
