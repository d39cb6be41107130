"""A family's rows are locked in the order of their ids whatever happens while the locks are
waited for (`pg_family.lock_families`): a child its parent's commit starts meanwhile is not
locked after its ancestors, and a restart takes its source's family before anything else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.runtime.test_lock_order import _locked_elsewhere
from tests.runtime.test_store_contract import spec
from waymark_runtime.store.pg_family import FamilyGrew, family_stable, lock_families
from waymark_runtime.store.postgres import PostgresStore

LOW, MIDDLE, HIGH = (f"{digit}0000000-0000-4000-8000-000000000000" for digit in "15f")
LOCK = "SELECT 1 FROM waymark_instances WHERE id = $1 FOR NO KEY UPDATE"
ADOPT = "UPDATE waymark_instances SET parent_id = $2, parent_node = 'n', blocking = true " \
        "WHERE id = $1"  # fmt: skip
STATUS = "SELECT status FROM waymark_instances WHERE id = $1"


@pytest.fixture
async def sessions(database: str) -> AsyncIterator[list[asyncpg.Connection]]:
    """Three sessions of their own, outside the store's pool, for the transactions in its way."""
    opened = [await asyncpg.connect(database) for _ in range(3)]
    try:
        yield opened
    finally:
        for connection in opened:
            await connection.close()


async def _someone_waits_for(
    store: PostgresStore, session: asyncpg.Connection, *, waiting: bool = False
) -> None:
    """Until a session waits for a lock `session` holds (`waiting`: until `session` waits for
    one)."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))"
    if waiting:
        query = "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'"
    while not await store.pool.fetchval(query, session.get_server_pid()):
        await asyncio.sleep(0.02)


async def test_a_child_started_while_its_parents_cancel_waits_is_locked_in_id_order(
    store: PostgresStore, sessions: list[asyncpg.Connection]
) -> None:
    """The cancel of parent MIDDLE waits for it while its runner's commit starts child LOW, then
    for its older child HIGH. A commit of LOW ending (LOW, then its parent) comes in between:
    had the cancel gone on to cancel LOW once it held MIDDLE and HIGH, each would wait for the
    other until PostgreSQL aborted one. It reads its family again, finds LOW, lets its locks go
    and takes them again from LOW on."""
    now = time.time()
    await store.create_instances([spec(), spec(), spec()], now, [LOW, MIDDLE, HIGH])
    await store.pool.execute(ADOPT, HIGH, MIDDLE)
    starter, child, older = sessions
    held_high, starting, ending = older.transaction(), starter.transaction(), child.transaction()
    await held_high.start()
    await older.execute(LOCK, HIGH)
    await starting.start()
    await starter.execute(LOCK, MIDDLE)
    await starter.execute(ADOPT, LOW, MIDDLE)  # the parent's commit starting child LOW
    cancel = asyncio.ensure_future(store.cancel(MIDDLE, {"why": "test"}, now))
    await asyncio.wait_for(_someone_waits_for(store, starter), 30)
    await starting.commit()
    await asyncio.wait_for(_someone_waits_for(store, older), 30)  # the cancel holds MIDDLE
    await ending.start()
    await child.execute(LOCK, LOW)  # LOW's own commit, ending it: LOW, then its parent
    to_parent = asyncio.ensure_future(child.execute(LOCK, MIDDLE))
    await asyncio.wait_for(_someone_waits_for(store, child, waiting=True), 30)
    await held_high.commit()
    await asyncio.wait_for(to_parent, 30)  # a deadlock aborts it after `deadlock_timeout`
    await ending.commit()
    assert await asyncio.wait_for(cancel, 30) is True
    statuses = [await store.pool.fetchval(STATUS, i) for i in (LOW, MIDDLE, HIGH)]
    assert statuses == ["cancelled", "cancelled", "cancelled"]


async def test_a_restart_locks_its_sources_family_before_the_source(
    store: PostgresStore, sessions: list[asyncpg.Connection]
) -> None:
    """A requeue of MIDDLE, which cancels it, waits for its child LOW (held by LOW's commit)
    holding none of the family: MIDDLE stays free for that commit, which wants it next."""
    now = time.time()
    await store.create_instances([spec(), spec()], now, [LOW, MIDDLE])
    await store.pool.execute(ADOPT, LOW, MIDDLE)
    child = sessions[0]
    async with child.transaction():
        await child.execute(LOCK, LOW)
        again = asyncio.ensure_future(
            store.start_again(MIDDLE, spec(), now, HIGH, cancel_error={"why": "test"})
        )
        await asyncio.wait_for(_someone_waits_for(store, child), 30)
        source_held = await _locked_elsewhere(store, MIDDLE)
    assert not source_held
    assert await asyncio.wait_for(again, 30) == HIGH
    statuses = [await store.pool.fetchval(STATUS, i) for i in (LOW, MIDDLE, HIGH)]
    assert statuses == ["cancelled", "cancelled", "queued"]


async def test_a_family_that_keeps_growing_is_locked_where_its_latecomers_are_found() -> None:
    """A family whose runners start children all the time holds its cancel back only so long:
    then the transaction runs once more locking the latecomers as it finds them."""
    orders: list[bool] = []

    async def grows(ordered: bool) -> str:
        orders.append(ordered)
        if ordered:
            raise FamilyGrew
        return "locked"

    assert await family_stable(grows) == "locked"
    assert orders == [True] * 20 + [False]


async def test_the_last_try_locks_a_child_started_while_it_waited(
    store: PostgresStore, sessions: list[asyncpg.Connection]
) -> None:
    """Out of the order of ids, the last try still holds the whole family before it writes:
    child LOW, started by its parent's commit while the lock of MIDDLE was waited for, is
    locked once the family is read again, and so are LOW's own descendants."""
    now = time.time()
    await store.create_instances([spec(), spec(), spec()], now, [LOW, MIDDLE, HIGH])
    await store.pool.execute(ADOPT, HIGH, LOW)  # LOW's own child, adopted with it
    starter = sessions[0]
    async with store.pool.acquire() as connection:
        async with starter.transaction():
            await starter.execute(LOCK, MIDDLE)
            await starter.execute(ADOPT, LOW, MIDDLE)  # the parent's commit starting LOW
            locking = connection.transaction()
            await locking.start()
            family = asyncio.ensure_future(lock_families(
                store._sql, connection, [], [MIDDLE], others_commit=True, ordered=False
            ))  # fmt: skip
            await asyncio.wait_for(_someone_waits_for(store, starter), 30)
        await asyncio.wait_for(family, 30)
        held = [await _locked_elsewhere(store, i) for i in (LOW, MIDDLE, HIGH)]
        await locking.rollback()
    assert held == [True, True, True]
