"""Numbered schema migrations, applied in order, once, under an advisory lock.

`migrate(dsn)` is what `waymark db migrate` and every store opening call: concurrent callers
serialise on a PostgreSQL advisory lock, applied migrations are recorded in `waymark_migrations`,
and each migration runs in its own transaction. It creates schema and nothing else.
"""

from __future__ import annotations

import asyncio

import asyncpg

from waymark_runtime.store.pg_dsn import refuse_malformed
from waymark_runtime.store.sql import Migration, migrations, queries


async def migrate_async(dsn: str) -> list[str]:
    """Apply the migrations `dsn`'s database lacks; returns the names applied now."""
    sql = queries()
    refuse_malformed(dsn)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql["migrations_lock"])
        try:
            return await _apply_missing(connection)
        finally:
            await connection.execute(sql["migrations_unlock"])
    finally:
        await connection.close()


def migrate(dsn: str) -> list[str]:
    """Synchronous `migrate_async`, for command-line tools."""
    return asyncio.run(migrate_async(dsn))


async def _apply_missing(connection: asyncpg.Connection) -> list[str]:
    sql = queries()
    await connection.execute(sql["migrations_table"])
    done = {row["number"] for row in await connection.fetch(sql["migrations_applied"])}
    applied = []
    for migration in migrations():
        if migration.number not in done:
            await _apply(connection, migration)
            applied.append(migration.name)
    return applied


async def _apply(connection: asyncpg.Connection, migration: Migration) -> None:
    async with connection.transaction():
        await connection.execute(migration.sql)
        await connection.execute(queries()["migration_record"], migration.number, migration.name)
