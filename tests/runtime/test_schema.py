"""Migrations apply once under concurrency, every named query prepares against the schema (the
lean commit writes what the full one does), and the embedded server boots once for concurrent
processes."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.runtime.support import create_database, drop_database, stop_embedded, with_database
from waymark_runtime.embedded import DATABASE, server_handle
from waymark_runtime.step_plan import PlannedAction
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.pg_migrate import migrate
from waymark_runtime.store.postgres import PostgresStore
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


def test_a_query_with_an_optional_part_is_also_kept_without_it() -> None:
    text = (
        "-- name: w\nWITH a AS (SELECT 1),\n-- optional, else: b AS (SELECT 0)\n"
        "b AS (SELECT 2), c AS (SELECT 3)\n-- end optional\nSELECT * FROM a, b;\n"
    )
    named = parse_named_queries(text)
    assert named["w"].startswith("WITH a AS (SELECT 1),\n-- optional")
    assert named["w_lean"] == "WITH a AS (SELECT 1),\nb AS (SELECT 0)\nSELECT * FROM a, b;"
    assert "commit_instances_lean" in queries()
    assert "children_added AS (SELECT 1 WHERE false)" in queries()["commit_instances_lean"]


async def test_the_lean_commit_writes_what_the_full_one_does(store: PostgresStore) -> None:
    """The same plain step (an instance row, a result, a new attempt) committed by each
    statement leaves the same rows behind."""
    written = []
    for query in ("commit_instances", "commit_instances_lean"):
        instance = await _leased_instance(store)
        batch = CommitBatch()
        batch.instance(instance, state={"n": 1}, epoch=1)
        batch.finish(instance, "n0", 1, True, 41)
        batch.add_attempt(instance, _ATTEMPT, running=True)
        assert batch.lean
        rows = await store.pool.fetch(store._sql[query], "me", 2.0, *batch.params())
        assert [str(row["id"]) for row in rows] == [instance]
        written.append(await _rows_of(store, instance))
    assert written[0] == written[1]


_ATTEMPT = PlannedAction(node="n1", action="flows:noop", args=(1,), kwargs={}, attempt=1,
                         ready_at=1.0, timeout=None, site="run.1", iteration=(0,))  # fmt: skip


async def _leased_instance(store: PostgresStore) -> str:
    instance = str(uuid.uuid4())
    await store.pool.execute(
        "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ('W', 'v', '')"
        " ON CONFLICT DO NOTHING"
    )
    await store.pool.execute(
        "INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs, status,"
        " lease_owner, lease_epoch) VALUES ($1, 'W', 'v', '{}', 'running', 'me', 1)",
        instance,
    )
    await store.pool.execute(
        "INSERT INTO waymark_attempts (instance_id, node, attempt, action, args, kwargs, status)"
        " VALUES ($1, 'n0', 1, 'flows:noop', '[0]', '{}', 'running')",
        instance,
    )
    return instance


async def _rows_of(store: PostgresStore, instance: str) -> list[Any]:
    """The instance's row and its attempts' rows, without its id."""
    row = await store.pool.fetchrow(
        "SELECT state::text, status, lease_owner, wake_at, updated_at FROM waymark_instances"
        " WHERE id = $1",
        instance,
    )
    attempts = await store.pool.fetch(
        "SELECT node, attempt, action, args::text, status, result::text, consumed, lease_owner,"
        " started_at, finished_at, site, iteration::text FROM waymark_attempts"
        " WHERE instance_id = $1 ORDER BY node",
        instance,
    )
    return [tuple(row), *map(tuple, attempts)]


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
