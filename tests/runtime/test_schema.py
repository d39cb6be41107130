"""Migrations apply once under concurrency, every named query prepares against the schema, and
the embedded server boots once for concurrent processes."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest

from tests.runtime.support import create_database, drop_database, stop_embedded, with_database
from waymark_runtime.embedded import DATABASE, server_handle
from waymark_runtime.store.pg_migrate import migrate
from waymark_runtime.store.sql import migrations, parse_named_queries, queries


def test_concurrent_migrations_apply_each_migration_once(pg_server: str) -> None:
    dsn = create_database(pg_server, "fresh", migrated=False)
    try:
        with ThreadPoolExecutor(4) as pool:
            applied = list(pool.map(lambda _: migrate(dsn), range(4)))
        assert sorted(applied, key=len) == [[], [], [], [m.name for m in migrations()]]
        assert migrate(dsn) == []
        recorded = asyncio.run(_fetch(dsn, "SELECT number, name FROM waymark_migrations"))
        assert recorded == [(m.number, m.name) for m in migrations()]
    finally:
        drop_database(pg_server, dsn)


async def _fetch(dsn: str, sql: str) -> list[tuple[object, ...]]:
    connection = await asyncpg.connect(dsn)
    try:
        return [tuple(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


async def test_every_named_query_prepares(database: str) -> None:
    connection = await asyncpg.connect(database)
    try:
        for name, sql in queries().items():
            if not name.startswith("migration"):
                await connection.prepare(sql)
    finally:
        await connection.close()


def test_named_queries_must_be_unique() -> None:
    assert parse_named_queries("-- header\n-- name: a\nSELECT 1;\n-- name: b\nSELECT 2;\n") == {
        "a": "SELECT 1;",
        "b": "SELECT 2;",
    }
    with pytest.raises(ValueError, match="defined twice"):
        parse_named_queries("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n")


def test_embedded_server_boots_once_for_concurrent_processes() -> None:
    home = Path(tempfile.mkdtemp(prefix="waymark-embedded-"))
    script = (
        "import sys; from pathlib import Path; from waymark_runtime.embedded import embedded_url;"
        " print(embedded_url(Path(sys.argv[1])))"
    )
    try:
        processes = [
            subprocess.Popen([sys.executable, "-c", script, str(home)], stdout=subprocess.PIPE)
            for _ in range(3)
        ]
        uris = {process.communicate(timeout=60)[0].decode().strip() for process in processes}
        assert all(process.returncode == 0 for process in processes)
        [uri] = uris
        assert uri.partition("?")[0].endswith(f"/{DATABASE}")
        assert asyncio.run(_fetch(uri, "SELECT current_database()")) == [(DATABASE,)]
        assert with_database(uri, "postgres") != uri
    finally:
        stop_embedded(server_handle(home))
        shutil.rmtree(home, ignore_errors=True)
