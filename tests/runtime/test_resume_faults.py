"""Instances resumed from their stored state after a runner's death or pause.

Retries: `start-workers` SIGKILLed while instances wait out the backoff between two executions
of a failing action; the next runner goes on from the stored retry state: each action runs
exactly as often as its policy says, never sooner after the previous execution than its backoff.
Signals: sent while the runner holding their instances is paused (SIGSTOP) past its lease and
another runner takes over; each is received once, in order. Every workflow ends as its body
does in plain Python."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
from pathlib import Path

import asyncpg
import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime import signal_flows
from tests.runtime.test_faults import results, start_workers, submit, wait_for
from tests.runtime.test_fencing import paused

pytestmark = pytest.mark.fault
DELAY = flows.BACKOFF


def _executions(record: Path) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for line in record.read_text().splitlines() if record.exists() else []:
        key, _, at = line.partition(" ")
        found.setdefault(key.removeprefix("retry/"), []).append(float(at))
    return found


async def _failed(database: str, ids: list[str], count: int) -> bool:
    """Whether `count` failed attempts of the instances `ids` are stored."""
    connection = await asyncpg.connect(database)
    try:
        found = await connection.fetchval(
            "SELECT count(*) FROM waymark_attempts"
            " WHERE instance_id = ANY($1::uuid[]) AND status = 'failed'",
            ids,
        )
    finally:
        await connection.close()
    return bool(found >= count)


async def test_a_runner_killed_during_a_backoff_keeps_the_retry_count_and_the_delay(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    keys = [f"b{i}" for i in range(3)]
    expected = [await flows.BackingOff().run_inline(key) for key in keys]
    ids = await submit(database, [(flows.BackingOff, (key,)) for key in keys])
    with start_workers(database, record) as first:
        await wait_for(lambda: len(_executions(record)) == len(keys), 25, "first executions")
        # (an execution not yet stored as failed would be lost to the kill, and run again)
        await wait_for(lambda: _failed(database, ids, len(keys)), 25, "first failures stored")
        os.killpg(first.pid, signal.SIGKILL)  # every instance is in its first backoff
        first.process.wait()
    assert all(len(times) == 1 for times in _executions(record).values())
    with start_workers(database, record):
        outcome = await results(database, ids, timeout=40)
    assert outcome == expected == [f"gave up on {key}" for key in keys]
    for key, times in _executions(record).items():
        assert len(times) == 3, (key, times)  # the policy's attempts, not one more
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert gaps[0] >= DELAY and gaps[1] >= 2 * DELAY, (key, gaps)


async def test_signals_sent_while_their_runner_is_paused_past_its_lease_arrive_once(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    env = {"WAYMARK_USER_MODULE": "tests.runtime.signal_flows"}
    rounds, count = 4, 12
    ids = await submit(database, [(signal_flows.SlowCollect, (rounds, 1.0))] * count)

    async def send(turn: int) -> None:
        async with waymark.connect(database):
            await asyncio.gather(*(waymark.send_signal(instance_id, "item", 100 * n + turn)
                                   for n, instance_id in enumerate(ids)))  # fmt: skip

    with start_workers(database, record, **env) as first:
        await wait_for(first.ready, 25, "the first runner")
        await send(0)
        await asyncio.sleep(0.3)  # the instances are claimed and their actions run
        with paused(first), start_workers(database, record, **env) as second:
            await send(1)  # the paused runner holds the instances, their actions running
            await asyncio.sleep(2.5)  # past its lease: the second runner takes them over
            await send(2)
            await wait_for(second.ready, 25, "the second runner")
        await send(3)  # the first runner is back (its claims are gone), the second is gone
        outcome = await results(database, ids, timeout=30)
    assert outcome == [[100 * n + turn for turn in range(rounds)] for n in range(count)]
