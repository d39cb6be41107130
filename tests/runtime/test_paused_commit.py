"""A `start-workers` process frozen (SIGSTOP) inside a group commit that ends child workflows,
after it locked their families and before it wrote anything (`tests.runtime.paused_commit`):
the server ends its session once it sat idle in that transaction for the lease
(`WAYMARK_LOCK_TTL_MS`), so the runner that takes its instances over waits that long at most;
every tree ends with its result as plain Python, and the frozen runner, continued after all
is done, changes none of it and starts no action whose result was committed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.runtime import fault_flows as flows
from tests.runtime.support import frozen, start_workers_env, start_workers_process
from tests.runtime.test_faults import count, results, submit
from tests.runtime.test_fencing import committed_at, started_at
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
PAUSING = [sys.executable, "-m", "tests.runtime.paused_commit"]
OUTCOMES = "SELECT id::text, status, result FROM waymark_instances ORDER BY id"


async def _outcomes(database: str) -> list[tuple[str, str, object]]:
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        return [tuple(row) for row in await store.pool.fetch(OUTCOMES)]
    finally:
        await store.close()


@pytest.mark.usefixtures("store")  # tables emptied: the rows counted are this test's
async def test_a_runner_frozen_between_its_family_locks_and_its_commit(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "ledger.log"
    tags = [f"t{i}" for i in range(4)]
    expected = [await flows.LedgerTree().run_inline(tag, 0.0) for tag in tags]
    ids = await submit(database, [(flows.LedgerTree, (tag, 0.1)) for tag in tags])
    env = start_workers_env(
        database, WAYMARK_USER_MODULE="tests.runtime.fault_flows", WM_TEST_RECORD=str(record)
    )
    with start_workers_process(env, tmp_path / "paused.log", PAUSING) as paused:
        await frozen(paused, timeout=30)  # holding a family's locks, its commit unwritten
        try:
            with start_workers_process(env, tmp_path / "other.log"):
                outcome = await results(database, ids, timeout=40)
            assert outcome == expected
            done = await _outcomes(database)
        finally:
            os.kill(paused.pid, signal.SIGCONT)
        await asyncio.sleep(3.0)  # its commit goes on, on a session the server ended
        assert paused.poll() is None
    assert await _outcomes(database) == done
    committed, starts = await committed_at(database), started_at(record)
    assert set(committed) == {key for keys in expected for key in keys}
    late = {key: [s for s in starts[key] if s > committed[key]] for key in starts}
    assert not {key: times for key, times in late.items() if times}
    assert await count(database, "SELECT count(*) FROM waymark_instances") == 3 * len(tags)
