"""Workflow concurrency admission (migration 0013's triggers) racing the end of the instance
it is about to admit: the next in line is being cancelled while an admitted instance of its
key completes. The end of a waiting instance frees no slot, so it admits nobody and takes no
admission lock (before, it waited for that lock holding the row the admission waited for: a
deadlock); and the admission, finding its candidate ended once its row is free, admits the
next one instead (before, the slot went to the ended instance, which a runner could then
claim, and the key's queue stood still)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.runtime.test_flow_store import customer, finish
from waymark_runtime.store.postgres import PostgresStore

ADMITTED, NEXT, AFTER = (f"{digit}0000000-0000-4000-8000-000000000000" for digit in "517")
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
