"""The counts of `python -m benchmarks.pg_counts`, on a real server: every statement sent
through asyncpg is counted once, the WAL of one database is told from the rest of the
server's, with its commit records, and a window's counts are net of the idle window."""

from __future__ import annotations

import asyncpg
import pytest

from benchmarks import pg_counts, statement_log
from tests.runtime.conftest import database, pg_server

__all__ = ["database", "pg_server"]  # the runtime tests' fixtures: a fresh database


async def test_every_statement_is_counted_once(database: str) -> None:
    statement_log.install()
    statement_log.install()  # twice: still one wrapper
    before = dict(statement_log.counts)
    connection = await asyncpg.connect(database)
    try:
        await connection.execute("CREATE TABLE counted (n int)")
        await connection.execute("INSERT INTO counted VALUES ($1)", 1)
        await connection.executemany("INSERT INTO counted VALUES ($1)", [(2,), (3,)])
        async with connection.transaction():
            assert await connection.fetchval("SELECT count(*) FROM counted") == 3
        assert [row[0] for row in await connection.fetch("SELECT n FROM counted")] == [1, 2, 3]
    finally:
        await connection.close()
    counted = {key: n - before.get(key, 0) for key, n in statement_log.counts.items()}
    counted = {key: n for key, n in counted.items() if n}
    assert counted == {
        "CREATE TABLE counted (n int)": 1,
        "INSERT INTO counted VALUES ($1)": 2,
        "BEGIN;": 1,
        "SELECT count(*) FROM counted": 1,
        "COMMIT;": 1,
        "SELECT n FROM counted": 1,
    }


def test_a_statement_is_known_by_its_first_line_without_comments() -> None:
    text = "-- what it does\n  -- more\n  WITH doc AS (\n SELECT 1)"
    assert statement_log.statement_key(text) == "WITH doc AS ("


async def test_the_wal_of_one_database_and_its_commits(database: str) -> None:
    connection = await asyncpg.connect(database)
    try:
        available = "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_walinspect'"
        if await connection.fetchval(available) is None:  # the embedded server ships no contrib
            pytest.skip("this PostgreSQL server has no pg_walinspect extension (contrib)")
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        await connection.execute("CREATE TABLE padded (n int, pad text)")
        start = await connection.fetchval(pg_counts._LSN)
        for index in range(3):  # three commits that write
            await connection.execute("INSERT INTO padded VALUES ($1, repeat('x', 2000))", index)
        await connection.fetchval("SELECT count(*) FROM padded")  # one that does not
        end = await connection.fetchval(pg_counts._LSN)
        wal, commits = await pg_counts.database_wal(connection, start, end)
    finally:
        await connection.close()
    assert commits == 3
    assert 3 * 2000 < wal < 3 * 2000 + 3_000


def test_a_window_is_counted_net_of_the_idle_one() -> None:
    def window(commits: int, inserted: int, claims: int) -> dict[str, object]:
        return {"commits": commits, "durable_commits": commits // 2, "wal": 100.0 * commits,
                "tables": {"t": [inserted, 0, 0, 0]}, "runner": {"claim": claims},
                "client": {}, "runner_cpu": 0.01 * commits, "workers_cpu": 0.0}  # fmt: skip

    cost = pg_counts.per_unit(window(44, 20, 12), window(4, 0, 2), 10)
    assert cost["commits"] == 4.0 and cost["durable_commits"] == 2.0
    assert cost["tables"] == {"t": {"ins": 2.0, "upd": 0.0, "hot": 0.0, "del": 0.0}}
    assert cost["rows"] == 2.0 and cost["runner"] == {"claim": 1.0}
    assert cost["runner_statements"] == 1.0 and round(cost["runner_cpu_us"]) == 40_000
