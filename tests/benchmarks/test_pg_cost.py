"""The PostgreSQL counters of the per-action cost (P1), on a real server: both ways of reading
the WAL (the `pg_stat_wal` view, and the WAL position servers before 14 fall back to) see the
bytes a write produced, and the commit and row counters move once the writer's session closed.
"""

from __future__ import annotations

import asyncpg
import pytest

from benchmarks import pg_cost
from tests.runtime.conftest import database, pg_server

__all__ = ["database", "pg_server"]  # the runtime tests' fixtures: a fresh database


async def _write_rows(dsn: str, count: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("CREATE TABLE IF NOT EXISTS cost_probe (n int, pad text)")
        for index in range(count):
            await connection.execute("INSERT INTO cost_probe VALUES ($1, repeat('x', 500))", index)
    finally:
        await connection.close()


@pytest.mark.parametrize("stat_wal", [True, False], ids=["pg_stat_wal", "wal-position"])
async def test_counters_see_commits_rows_and_wal(database: str, stat_wal: bool) -> None:
    await pg_cost.settle(database)
    before = await pg_cost.snapshot(database, stat_wal=stat_wal)
    await _write_rows(database, 50)
    await pg_cost.settle(database)
    after = await pg_cost.snapshot(database, stat_wal=stat_wal)
    cost = pg_cost.per_action(before, after, 50)
    assert cost.wal_source == ("pg_stat_wal" if stat_wal else "WAL position")
    assert cost.commits >= 1 and cost.rows >= 1
    assert cost.wal_bytes > 500  # each row carries 500 bytes of padding
    assert (cost.wal_fpi is not None) == stat_wal
    if after.server_cpu is not None:  # a server on this machine
        assert cost.server_cpu_ms is not None and cost.server_cpu_ms >= 0


async def test_settle_gives_up_on_a_session_that_stays(database: str) -> None:
    connection = await asyncpg.connect(database)
    try:
        with pytest.raises(TimeoutError, match="still connected"):
            await pg_cost.settle(database, timeout=0.2)
    finally:
        await connection.close()
