"""Signals sent while the runner holding their instances is SIGKILLed (one send racing the
kill, one while the dead runner's leases still hold the instances, one once the next runner
has taken them over): each is received exactly once, in order, and every workflow ends as its
body does in plain Python."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

import waymark
from tests.runtime import signal_flows
from tests.runtime.test_faults import results, start_workers, submit, wait_for

pytestmark = pytest.mark.fault


async def _send(database: str, ids: list[str], turn: int) -> None:
    async with waymark.connect(database):
        await asyncio.gather(*(waymark.send_signal(instance_id, "item", 100 * n + turn)
                               for n, instance_id in enumerate(ids)))  # fmt: skip


async def test_signals_sent_around_their_runners_sigkill_arrive_once(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    env = {"WAYMARK_USER_MODULE": "tests.runtime.signal_flows"}
    rounds, count = 4, 12
    ids = await submit(database, [(signal_flows.SlowCollect, (rounds, 0.5))] * count)
    with start_workers(database, record, **env) as first:
        await wait_for(first.ready, 25, "the first runner")
        await _send(database, ids, 0)
        await asyncio.sleep(0.3)  # the instances are claimed and their actions run
        racing = asyncio.ensure_future(_send(database, ids, 1))
        os.killpg(first.pid, signal.SIGKILL)  # its workers with it
        first.process.wait()
        await racing
        await _send(database, ids, 2)  # the dead runner's leases still hold the instances
    with start_workers(database, record, **env) as second:
        await wait_for(second.ready, 25, "the second runner")
        await _send(database, ids, 3)
        outcome = await results(database, ids, timeout=30)
    assert outcome == [[100 * n + turn for turn in range(rounds)] for n in range(count)]
