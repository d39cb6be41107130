"""A parent's cancel and the commit of its child ending at the same moment take the family's
instance rows in one order (`lock_families`: the order of their ids), so neither holds a row the
other has and waits for one the other holds: before, the cancel held the parent and wanted the
child, the commit held the child and wanted the parent, and both waited until PostgreSQL's
deadlock detection (`deadlock_timeout`, a second) aborted one, which was then made again."""

from __future__ import annotations

import asyncio
import random

import asyncpg
import pytest

import waymark
from tests.runtime import child_flows
from tests.runtime.support import emptied_store, runner_settings, running
from tests.runtime.test_cancel_races import cancels_at_random


async def _deadlocks(database: str) -> int:
    """Deadlocks PostgreSQL detected in `database`, once no other session of it is left (a
    session adds its counts to the statistics by the time it has ended)."""
    connection = await asyncpg.connect(database)
    try:
        others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() " \
                 "AND pid <> pg_backend_pid()"  # fmt: skip
        while await connection.fetchval(others):
            await asyncio.sleep(0.05)
        await connection.execute("SELECT pg_stat_clear_snapshot()")
        return int(await connection.fetchval(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        ))  # fmt: skip
    finally:
        await connection.close()


@pytest.mark.usefixtures("worker_env")
async def test_parents_cancelled_while_their_children_end_never_deadlock(database: str) -> None:
    """Each cancel takes the parent's family in the order of ids, as the commit of a child
    ending takes the child and its parent: neither waits for the other holding what it wants."""
    settings = runner_settings(database, user_modules=("tests.runtime.child_flows",))
    before = await _deadlocks(database)
    async with emptied_store(database) as store, running(store, settings), \
               waymark.connect(database) as client:  # fmt: skip
        ids = [await child_flows.FanOut().run([2, 4, 6, 8], _blocking=False) for _ in range(60)]

        cancelled, outcomes = await cancels_at_random(client, ids, random.Random(11), 2.0)
        unfinished = await store.pool.fetchval(
            "SELECT count(*) FROM waymark_instances WHERE finished_at IS NULL"
        )
    assert [("cancelled" if took else [4, 8, 12, 16, 200]) for took in cancelled] == outcomes
    assert unfinished == 0
    assert await _deadlocks(database) == before
