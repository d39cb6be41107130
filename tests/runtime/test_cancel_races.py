"""A cancel racing its instance's runner on PostgreSQL: it either ends the instance, and with it
every attempt and sleep the runner's commits wrote, or finds it finished; the caller never sees
the runners' own contention on the rows (a deadlock between their statements)."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import pytest

import waymark
from tests.runtime import child_flows
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from tests.runtime.test_store_contract import LEASE, spec
from waymark_runtime.errors import InstanceStateError
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


RACES = [
    (flows.Sequence, {"count": 3}, 3, "tests.runtime.runtime_flows"),
    # a tree of children: a cancel cascades while a child's end reports to its parent
    (child_flows.Factorial, {"n": 3}, 6, "tests.runtime.child_flows"),
]


@pytest.mark.usefixtures("worker_env")
@pytest.mark.parametrize(("flow", "inputs", "result", "module"), RACES)
async def test_cancels_racing_completions_end_each_instance_one_way(
    store: PostgresStore, database: str, flow: Any, inputs: dict[str, Any], result: int,
    module: str,
) -> None:  # fmt: skip
    settings = runner_settings(database, user_modules=(module,))
    async with running(store, settings), waymark.connect(database) as client:
        ids = [await flow().run(**inputs, _blocking=False) for _ in range(40)]
        cancelled, outcomes = await cancels_at_random(client, ids, random.Random(7), 0.3)
    assert [("cancelled" if took else result) for took in cancelled] == outcomes
    left = await store.pool.fetchval(
        "SELECT count(*) FROM waymark_attempts WHERE status = ANY ($1::text[])", list(OPEN)
    )
    unfinished = await store.pool.fetchval(
        "SELECT count(*) FROM waymark_instances WHERE finished_at IS NULL"
    )
    assert (left, unfinished) == (0, 0)


async def cancels_at_random(
    client: Any, ids: list[str], rng: random.Random, within: float
) -> tuple[list[bool], list[object]]:
    """Cancel each instance at a random moment `within` seconds: whether each cancel took
    (else the instance had finished), and each one's outcome (`"cancelled"` or its result)."""

    async def cancel_soon(instance_id: str) -> bool:
        await asyncio.sleep(rng.random() * within)
        try:
            await waymark.cancel(instance_id, "race")
        except InstanceStateError:
            return False
        return True

    async def outcome(instance_id: str) -> object:
        try:
            return await client.get_result(instance_id, timeout=60)
        except waymark.WorkflowCancelled:
            return "cancelled"

    cancelled = await asyncio.gather(*(cancel_soon(i) for i in ids))
    return cancelled, list(await asyncio.gather(*(outcome(i) for i in ids)))
