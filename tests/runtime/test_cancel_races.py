"""A cancel racing its instance's runner on PostgreSQL: it either ends the instance, and with it
every attempt and sleep the runner's commits wrote, or finds it finished; the caller never sees
the runners' own contention on the rows (a deadlock between their statements)."""

from __future__ import annotations

import asyncio
import time

from tests.runtime.test_store_contract import LEASE, spec
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

OPEN = ("queued", "running", "waiting")


async def test_attempts_and_sleeps_a_commit_wrote_while_the_cancel_waited_end_with_it(
    store: PostgresStore,
) -> None:
    """The runner's commit holds the instance's row when the cancel comes: the cancel waits
    for it, and then ends what it wrote too (they stayed `queued` and pending for ever)."""
    now = time.time()
    [instance_id] = await store.create_instances([spec()], now)
    [claim] = await store.claim("r", 1, now, LEASE)
    batch = CommitBatch()
    batch.instance(instance_id, state={}, epoch=claim.epoch)
    batch.add_timer(instance_id, "s", now + 60)
    async with store.pool.acquire() as connection, connection.transaction():
        await connection.fetch(store._sql["commit_instances"], "r", now, *batch.params())
        await connection.execute(
            "INSERT INTO waymark_attempts (instance_id, node, attempt, action, args, kwargs,"
            " status, ready_at, created_at) VALUES ($1, 'n', 1, 'a:b', '[]', '{}', 'queued',"
            " now(), now())", instance_id)  # fmt: skip
        cancel = asyncio.ensure_future(store.cancel(instance_id, {"$t": "exception"}, now + 1))
        await asyncio.sleep(0.3)  # it waits for the row
        assert not cancel.done()
    assert await cancel
    statuses = [row["status"] for row in await store.attempts_of(instance_id)]
    pending = await store.pool.fetchval(
        "SELECT count(*) FROM waymark_timers WHERE instance_id = $1 AND finished_at IS NULL",
        instance_id,
    )
    assert statuses == ["failed"] and pending == 0
