"""A start made again while its first try is still in flight on the server: the client lost the
connection (a network cut, a timeout), but the server goes on and commits the first try. The
second try waits for the first one's row and joins it, with or without an idempotency key; it
neither fails nor creates a second instance."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from tests.runtime.test_store_contract import spec
from waymark_runtime.engine import NewInstance
from waymark_runtime.store.postgres import PostgresStore

FIRST = "50000000-0000-4000-8000-000000000000"


def keyed(key: str | None) -> NewInstance:
    return dataclasses.replace(spec(), idempotency_key=key)


@pytest.mark.parametrize("key", [None, "order-7"], ids=["keyless", "keyed"])
async def test_a_start_made_again_while_its_first_try_commits_joins_it(
    store: PostgresStore, key: str | None
) -> None:
    now = time.time()
    async with store.pool.acquire() as first, first.transaction():
        await store.create_instances([keyed(key)], now, [FIRST], connection=first)
        again = asyncio.ensure_future(store.create_instances([keyed(key)], now, [FIRST]))
        query = "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))"
        while not await store.pool.fetchval(query, first.get_server_pid()):
            await asyncio.sleep(0.02)
    assert await asyncio.wait_for(again, 30) == [FIRST]
    assert await store.pool.fetchval("SELECT count(*) FROM waymark_instances") == 1
