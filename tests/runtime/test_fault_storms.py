"""Many instances under repeated faults, with real processes: `start-workers` SIGKILLed three
times in a row at random moments, and every PostgreSQL session of the runners terminated
(`pg_terminate_backend`: the LISTEN connection, the pool, the commit lane, mid-statement)
again and again. Afterwards every instance finished once with its result as plain Python, every
action ran at least once, and none started again after the commit of its result."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from pathlib import Path

import pytest

from tests.runtime import runtime_flows as flows
from tests.runtime.test_faults import count, results, start_workers, submit, wait_for
from tests.runtime.test_fencing import assert_fenced, in_python
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
COMPLETED = "SELECT count(*) FROM waymark_attempts WHERE status = 'completed'"
FINISHED = "SELECT count(*) FROM waymark_instances WHERE finished_at IS NOT NULL"
TWICE = (
    "SELECT count(*) FROM (SELECT args ->> 0 FROM waymark_attempts WHERE status = 'completed'"
    " GROUP BY args ->> 0 HAVING count(*) > 1) AS doubled"
)
OTHERS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@pytest.mark.usefixtures("store")  # tables emptied: the rows counted are this test's
async def test_two_hundred_instances_through_three_runner_kills(
    database: str, tmp_path: Path
) -> None:
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    chance = random.Random(seed)
    record = tmp_path / "ledger.log"
    tags, width = [f"s{i}" for i in range(200)], 2
    ids = await submit(database, [(flows.Ledger, (tag, width, 0.0)) for tag in tags])
    workers = {"WAYMARK_WORKER_COUNT": "2"}
    for _ in range(3):
        with start_workers(database, record, **workers) as runner:
            await wait_for(runner.ready, 20, "the runner to be ready")
            await asyncio.sleep(chance.uniform(0.2, 1.5))
            os.killpg(runner.pid, signal.SIGKILL)
            runner.process.wait()
    assert await count(database, FINISHED) < len(ids)  # the kills came in the middle of it
    with start_workers(database, record, **workers):
        outcome = await results(database, ids, timeout=40)
    assert outcome == await in_python(tags, width)
    assert await count(database, "SELECT count(*) FROM waymark_instances") == len(ids)
    assert await count(database, COMPLETED) == len(ids) * (width + 1)
    assert await count(database, TWICE) == 0
    await assert_fenced(database, record, tags, width)


@pytest.mark.usefixtures("store")
async def test_every_runner_session_terminated_again_and_again(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "ledger.log"
    tags, width = [f"b{i}" for i in range(40)], 2
    ids = await submit(database, [(flows.Ledger, (tag, width, 0.05)) for tag in tags])
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        with start_workers(database, record, WAYMARK_POLL_INTERVAL_MS="30000") as runner:
            await wait_for(runner.ready, 20, "the runner to be ready")
            for _ in range(8):
                await asyncio.sleep(0.4)
                await store.pool.fetch(OTHERS)
            outcome = await results(database, ids, timeout=40)
            assert runner.process.poll() is None
            # its LISTEN connection is back: new work starts long before a poll could find it
            late = await submit(database, [(flows.Ledger, ("after", width, 0.0))])
            assert await results(database, late, timeout=10) == [
                ["after/0", "after/1", "after/last"]
            ]
    finally:
        await store.close()
    assert outcome == await in_python(tags, width)
    assert await count(database, TWICE) == 0
    await assert_fenced(database, record, [*tags, "after"], width)
