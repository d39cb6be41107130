"""The commit lane (`store/pg_lane.py`): one connection for a store's plain commits, the pool
when it is busy, and a new connection after one is lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from waymark_runtime.store.pg_lane import CommitLane
from waymark_runtime.store.postgres import PostgresStore, is_transient

_PID = "SELECT pg_backend_pid() AS pid"


@pytest.fixture
async def lane(store: PostgresStore, database: str) -> AsyncIterator[CommitLane]:
    lane = CommitLane(store.pool, lambda: asyncpg.connect(database))
    yield lane
    await lane.close()


async def _pid(lane: CommitLane, query: str = _PID) -> int:
    rows = await lane.fetch(query)
    return int(rows[0]["pid"])


async def test_statements_one_after_another_share_the_lanes_connection(
    lane: CommitLane, store: PostgresStore
) -> None:
    first = await _pid(lane)
    assert await _pid(lane) == first
    async with store.pool.acquire() as pooled:  # the lane is not one of the pool's
        assert await pooled.fetchval("SELECT pg_backend_pid()") != first


async def test_a_statement_sent_while_the_lane_is_busy_takes_a_pooled_connection(
    lane: CommitLane,
) -> None:
    own = await _pid(lane)
    slow = "SELECT pg_backend_pid() AS pid FROM pg_sleep(0.3)"
    busy, meanwhile = await asyncio.gather(_pid(lane, slow), _pid(lane))
    assert busy == own
    assert meanwhile != own


async def test_after_a_lost_connection_the_lane_opens_another(
    lane: CommitLane, store: PostgresStore
) -> None:
    lost = await _pid(lane)
    async with store.pool.acquire() as other:
        assert await other.fetchval("SELECT pg_terminate_backend($1)", lost)
    try:  # seen closed already (a new one), or found closed by this statement
        again = await _pid(lane)
    except Exception as error:
        assert is_transient(error)  # the runner's `retrying` repeats such a commit
        again = await _pid(lane)
    assert again != lost


async def test_a_cancelled_statement_leaves_no_connection_half_used(lane: CommitLane) -> None:
    cancelled = await _pid(lane)
    statement = asyncio.ensure_future(_pid(lane, "SELECT 1 AS pid FROM pg_sleep(30)"))
    await asyncio.sleep(0.2)
    statement.cancel()
    with pytest.raises(asyncio.CancelledError):
        await statement
    assert await _pid(lane) != cancelled  # a fresh connection, not one mid-protocol


async def test_a_closed_lane_closes_its_connection_and_sends_nothing_more(
    lane: CommitLane, store: PostgresStore
) -> None:
    closed = await _pid(lane)
    await lane.close()
    async with store.pool.acquire() as probe:
        for _ in range(50):
            alive = await probe.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", closed
            )
            if not alive:
                break
            await asyncio.sleep(0.1)
        assert not alive
    assert await _pid(lane) != closed  # what comes after takes the pool
