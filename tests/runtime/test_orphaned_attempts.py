"""Attempts orphaned by their runner, with real `start-workers` process groups SIGKILLed.

An attempt whose runner dies while it runs is found by another runner's lease reclaimer and
run again without spending `WAYMARK_LOST_ATTEMPT_RETRIES`: runners killed again and again do
not fail a healthy action. Those runs are bounded by `WAYMARK_ORPHANED_ATTEMPT_RETRIES`, so an
action that kills its whole runner every time still fails, with `ActionTimeout`.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

import waymark
from tests.runtime import fault_flows
from tests.runtime.test_faults import count, results, start_workers, submit, wait_for
from tests.runtime.test_metrics import free_port, scrape, value
from waymark_runtime.actions import ActionTimeout
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
ENV = {"WAYMARK_USER_MODULE": "tests.runtime.fault_flows"}
KILLER = "tests.runtime.fault_flows:kill_my_runner"
COUNTS = "SELECT {} FROM waymark_attempts WHERE instance_id = '{}'"


def starts(record: Path, key: str) -> int:
    lines = record.read_text().splitlines() if record.exists() else []
    return sum(1 for line in lines if line.startswith(f"start {key} "))


def ends(record: Path, key: str) -> int:
    lines = record.read_text().splitlines() if record.exists() else []
    return lines.count(f"end {key}")


@pytest.mark.usefixtures("store")
async def test_an_attempt_outlives_five_runner_kills_in_a_row(
    database: str, tmp_path: Path
) -> None:
    """The runner is SIGKILLed (its workers with it) five times while the same attempt runs,
    each time with the attempt's row marked `running`: more kills than the lost-attempt
    budget (3) allows losses, and the instance still ends with the action's result."""
    record = tmp_path / "naps.log"
    [instance_id] = await submit(database, [(fault_flows.OneNap, ("z", 2.0))])
    running = COUNTS.format("count(*)", instance_id) + " AND status = 'running'"

    async def marked_running() -> bool:
        return await count(database, running) == 1

    for kill in range(5):
        with start_workers(database, record, **ENV) as runner:
            await wait_for(lambda seen=kill: starts(record, "z") > seen, 30, "the nap to start")
            await wait_for(marked_running, 10, "its row to say running")
            await asyncio.sleep(0.3)
            os.killpg(runner.pid, signal.SIGKILL)
            runner.process.wait()
        assert ends(record, "z") == 0  # killed mid-nap every time
    with start_workers(database, record, **ENV):
        assert await results(database, [instance_id], timeout=40) == ["z rested"]
    assert (starts(record, "z"), ends(record, "z")) == (6, 1)
    assert await count(database, COUNTS.format("lost_count", instance_id)) == 0
    assert await count(database, COUNTS.format("orphaned_count", instance_id)) == 5


@pytest.mark.usefixtures("store")
async def test_an_action_that_kills_its_runner_fails_past_the_orphaned_bound(
    database: str, tmp_path: Path
) -> None:
    """With `WAYMARK_ORPHANED_ATTEMPT_RETRIES=2`, an action that SIGKILLs its own process
    group runs three times (three runners die), and the fourth runner fails it: its lease
    reclaimer, which counts the failure in its metrics."""
    record = tmp_path / "kills.log"
    env = {**ENV, "WAYMARK_ORPHANED_ATTEMPT_RETRIES": "2"}
    [instance_id] = await submit(database, [(fault_flows.KillsItsRunner, ("p",))])
    for run in range(3):
        with start_workers(database, record, **env) as runner:
            await wait_for(lambda: runner.process.poll() is not None, 30, "the runner to die")
        assert starts(record, "p") == run + 1
    port = free_port()
    with start_workers(database, record, WAYMARK_METRICS_ADDR=f"127.0.0.1:{port}", **env) as runner:
        async with waymark.connect(database) as client:
            with pytest.raises(ActionTimeout, match="orphaned 3 times"):
                await client.get_result(instance_id, timeout=30)
        assert runner.process.poll() is None  # the failed action did not run again
        samples = scrape(port)
    assert value(samples, "waymark_actions_failed_total", action=KILLER) == 1
    assert value(samples, "waymark_actions_started_total", action=KILLER) is None
    assert starts(record, "p") == 3
    counts = COUNTS.format("lost_count, orphaned_count, status", instance_id)
    assert await rows(database, counts) == [(0, 3, "failed")]


async def rows(database: str, sql: str) -> list[tuple[object, ...]]:
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        return [tuple(row) for row in await store.pool.fetch(sql)]
    finally:
        await store.close()
