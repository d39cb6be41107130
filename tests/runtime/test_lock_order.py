"""The statements that lock several instance rows take them in the order of their ids, so two
of them never wait on each other (a deadlock PostgreSQL breaks only after `deadlock_timeout`,
aborting one). A group commit does so whatever plan PostgreSQL picks for its update: the rows
below a row it waits for are already its own."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import pytest

from tests.runtime.test_store_contract import LEASE, spec
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

# Plans that drive the update from a scan of the instances (in the order of the table, not of
# the batch), besides the default one.
PLANS = [
    "",
    "SET enable_nestloop = off; SET enable_mergejoin = off; SET enable_indexscan = off;"
    " SET enable_bitmapscan = off",
    "SET enable_hashjoin = off; SET enable_mergejoin = off",
]


async def _waits_for_a_lock(store: PostgresStore, pid: int) -> None:
    query = "SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1"
    while await store.pool.fetchval(query, pid) != "Lock":
        await asyncio.sleep(0.02)


async def _locked_elsewhere(store: PostgresStore, instance_id: str) -> bool:
    async with store.pool.acquire() as probe, probe.transaction():
        try:
            await probe.execute(
                "SELECT 1 FROM waymark_instances WHERE id = $1 FOR NO KEY UPDATE NOWAIT",
                instance_id,
            )
        except asyncpg.LockNotAvailableError:
            return True
    return False


@pytest.mark.parametrize("plan", PLANS)
async def test_a_group_commit_locks_its_rows_in_the_order_of_their_ids(
    store: PostgresStore, plan: str
) -> None:
    """Another transaction holds the row of the highest id: the commit waits for it holding
    every other row of the batch, never the other way round."""
    now = time.time()
    ids = await store.create_instances([spec() for _ in range(300)], now)
    claims = await store.claim("r", len(ids), now, LEASE)
    assert len(claims) == len(ids)
    for instance_id in sorted(ids, key=uuid.UUID, reverse=True):  # the table's order: reversed
        await store.pool.execute(
            "UPDATE waymark_instances SET updated_at = updated_at WHERE id = $1", instance_id
        )
    await store.pool.execute("ANALYZE waymark_instances")
    batch = CommitBatch()
    for claim in claims:
        batch.instance(claim.instance.instance_id, state={"s": 1}, epoch=claim.epoch)
    ordered = sorted(ids, key=uuid.UUID)
    async with store.pool.acquire() as holder, store.pool.acquire() as committer:
        if plan:
            await committer.execute(plan)
        async with holder.transaction():
            await holder.execute(
                "SELECT 1 FROM waymark_instances WHERE id = $1 FOR NO KEY UPDATE", ordered[-1]
            )
            query = store._sql["commit_instances"]
            commit = asyncio.ensure_future(committer.fetch(query, "r", now, *batch.params()))
            await asyncio.wait_for(_waits_for_a_lock(store, committer.get_server_pid()), 30)
            held = [await _locked_elsewhere(store, i) for i in ordered[:-1]]
        assert len(await asyncio.wait_for(commit, 30)) == len(ids)
        await committer.execute("RESET ALL")
    assert all(held)
