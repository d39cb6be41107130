"""Workflow concurrency admission (migration 0013's triggers) racing the end of the instance
it is about to admit: the next in line is being cancelled while an admitted instance of its
key completes. The end of a waiting instance frees no slot, so it admits nobody and takes no
admission lock (before, it waited for that lock holding the row the admission waited for: a
deadlock); and the admission, finding its candidate ended once its row is free, admits the
next one instead (before, the slot went to the ended instance, which a runner could then
claim, and the key's queue stood still). A cancel whose family holds waiting and admitted
instances of a key takes the key's advisory lock before their rows, as a group commit ending an
instance of the key does (migration 0024), so neither holds what the other waits for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.runtime.test_flow_store import PER, customer, finish
from tests.runtime.test_store_contract import spec
from waymark_runtime.flow import FlowRule
from waymark_runtime.step_plan import PlannedChild
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore

ADMITTED, NEXT, AFTER = (f"{digit}0000000-0000-4000-8000-000000000000" for digit in "517")
LOCK = "SELECT 1 FROM waymark_instances WHERE id = $1 FOR NO KEY UPDATE"
ROW = "SELECT flow_waiting, wake_at IS NOT NULL AS runnable FROM waymark_instances WHERE id = $1"


@pytest.fixture
async def session(database: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database)
    try:
        yield connection
    finally:
        await connection.close()


async def test_an_admission_skips_the_next_in_line_ended_while_it_waited_for_it(
    store: PostgresStore, session: asyncpg.Connection
) -> None:
    now = time.time()
    for instance_id in (ADMITTED, NEXT, AFTER):  # one at a time: their places in the queue
        await store.create_instances([customer("ann")], now, [instance_id])
    assert [dict(await store.pool.fetchrow(ROW, i)) for i in (ADMITTED, NEXT)] == [
        {"flow_waiting": False, "runnable": True}, {"flow_waiting": True, "runnable": False},
    ]  # fmt: skip
    assert [c.instance.instance_id for c in await store.claim("r", 10, now, 30)] == [ADMITTED]
    async with session.transaction():  # the cancel of NEXT, its row locked first
        await session.execute(
            "SELECT 1 FROM waymark_instances WHERE id = $1 FOR NO KEY UPDATE", NEXT
        )
        ending = asyncio.ensure_future(finish(store, ADMITTED, now))  # its runner's commit
        query = "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))"
        while not await store.pool.fetchval(query, session.get_server_pid()):
            await asyncio.sleep(0.02)  # the admission waits for NEXT
        await session.fetch(store._sql["cancel_instance"], NEXT, now, '{"why": "test"}',
                            "cancelled")  # fmt: skip
    await asyncio.wait_for(ending, 30)  # a deadlock aborts it after `deadlock_timeout`
    rows = [dict(await store.pool.fetchrow(ROW, i)) for i in (NEXT, AFTER)]
    assert rows == [
        {"flow_waiting": True, "runnable": False}, {"flow_waiting": False, "runnable": True},
    ]  # fmt: skip
    claimed = await store.claim("r", 10, now + 1, 30)
    assert [claim.instance.instance_id for claim in claimed] == [AFTER]


WAITER, CHILD, OTHER, PARENT = (f"{digit}0000000-0000-4000-8000-000000000000" for digit in "123f")
ADOPT = "UPDATE waymark_instances SET parent_id = $2, parent_node = 'n', blocking = true " \
        "WHERE id = $1"  # fmt: skip
STATUS = "SELECT status FROM waymark_instances WHERE id = $1"
WAITING = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() " \
          "AND wait_event_type IN ('Lock', 'advisory')"  # fmt: skip


async def _waiting(store: PostgresStore, count: int) -> None:
    while await store.pool.fetchval(WAITING) < count:
        await asyncio.sleep(0.02)


async def test_a_cascading_cancel_and_an_admission_of_its_key_never_deadlock(
    store: PostgresStore, session: asyncpg.Connection
) -> None:
    """Limited workflow (no key input, limit 2): CHILD and OTHER admitted, WAITER next in line;
    CHILD and WAITER are blocking children of the unlimited PARENT (the highest id). A session
    holds PARENT while its cancel comes (it locked WAITER and CHILD, then waited for PARENT) and
    OTHER's runner commits OTHER's end (its admission waited for WAITER's row with the key's
    lock held). The session lets PARENT go; the cancel ended CHILD, whose admission wanted the
    key's lock: each waited for the other until PostgreSQL aborted one, the runner's commit."""
    now, rule = time.time(), FlowRule(PER.name, None, 2)
    for instance_id in (CHILD, OTHER, WAITER):  # one at a time: their places in the queue
        await store.create_instances([customer("ann", rule)], now, [instance_id])
    await store.create_instances([spec()], now, [PARENT])
    for child in (CHILD, WAITER):
        await store.pool.execute(ADOPT, child, PARENT)
    assert sorted(c.instance.instance_id for c in await store.claim("r", 10, now, 30)) == sorted(
        [CHILD, OTHER, PARENT]
    )
    async with session.transaction():
        await session.execute(LOCK, PARENT)
        cancel = asyncio.ensure_future(store.cancel(PARENT, {"why": "test"}, now))
        await asyncio.wait_for(_waiting(store, 1), 30)  # the cancel waits for PARENT
        ending = asyncio.ensure_future(finish(store, OTHER, now))  # OTHER's runner's commit
        await asyncio.wait_for(_waiting(store, 2), 30)
    assert await asyncio.wait_for(cancel, 30) is True
    await asyncio.wait_for(ending, 30)  # a deadlock aborted it after `deadlock_timeout`
    statuses = [await store.pool.fetchval(STATUS, i) for i in (WAITER, CHILD, OTHER, PARENT)]
    assert statuses == ["cancelled", "cancelled", "completed", "cancelled"]
    later = await store.create_instances([customer("bob", rule)] * 3, now + 1)  # both slots free
    assert sorted(await _claimed(store, now + 1)) == sorted(later[:2])


async def _claimed(store: PostgresStore, now: float) -> list[str]:
    return [claim.instance.instance_id for claim in await store.claim("r", 10, now, 30)]


async def test_a_commit_starting_a_child_of_a_key_waits_for_the_key_before_its_rows(
    store: PostgresStore, session: asyncpg.Connection
) -> None:
    """Limit 1: OTHER admitted, WAITER (a blocking child of PARENT) waiting. PARENT's cancel
    takes the key's lock, then waits for WAITER's row (a session holds it) while PARENT's
    runner commits a step that starts a child of the key. Had that commit locked PARENT before
    it wanted the key (for the child's admission), the cancel, given WAITER, would wait for
    PARENT: each for the other. It waits for the key before it locks a row, and is fenced once
    the cancel ended PARENT."""
    now, rule = time.time(), FlowRule(PER.name, None, 1)
    for instance_id in (OTHER, WAITER):
        await store.create_instances([customer("ann", rule)], now, [instance_id])
    await store.create_instances([spec()], now, [PARENT])
    await store.pool.execute(ADOPT, WAITER, PARENT)
    assert sorted(await _claimed(store, now)) == sorted([OTHER, PARENT])
    batch = CommitBatch()
    batch.instance(PARENT, state={"s": 1})
    planned = PlannedChild(node="c", workflow=PER.name, blocking=True,
                           inputs={"customer_id": "ann", "order": 0, "seconds": 0.0})  # fmt: skip
    batch.child(PARENT, planned, child=CHILD, blocking=True)
    async with session.transaction():
        await session.execute(LOCK, WAITER)
        cancel = asyncio.ensure_future(store.cancel(PARENT, {"why": "test"}, now))
        await asyncio.wait_for(_waiting(store, 1), 30)  # the cancel, holding the key's lock
        committing = asyncio.ensure_future(store.commit(batch, "r", now))
        await asyncio.wait_for(_waiting(store, 2), 30)
    assert await asyncio.wait_for(cancel, 30) is True
    assert await asyncio.wait_for(committing, 30) == set()  # fenced: PARENT ended
    statuses = [await store.pool.fetchval(STATUS, i) for i in (WAITER, OTHER, PARENT)]
    assert statuses == ["cancelled", "running", "cancelled"]
    assert await store.pool.fetchval(STATUS, CHILD) is None
