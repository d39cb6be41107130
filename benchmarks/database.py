"""The database the suite runs on: a dedicated `waymark_bench` database (its name from
`WAYMARK_BENCH_DATABASE` when set) on the server Waymark would use (`WAYMARK_DATABASE_URL`, else
the embedded default), recreated empty for each run.

A separate database keeps the benchmark's runner from ever claiming someone's real instances and
makes every run start from the same empty schema. When the server refuses `CREATE DATABASE`,
the suite falls back to the configured database itself and says so.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from waymark_runtime.config import ConfigError, Settings
from waymark_runtime.embedded import database_url

BENCH_DATABASE = "waymark_bench"
BENCH_DATABASE_ENV = "WAYMARK_BENCH_DATABASE"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,49}")  # unquoted in reports; room for the `_scale` suffix


def bench_database() -> str:
    """The benchmark database's name: `WAYMARK_BENCH_DATABASE`, else `waymark_bench`. Two runs
    on one server at once need different names; the suite's other databases (`<name>_scale`,
    `<name>_dbos`) follow it."""
    name = os.environ.get(BENCH_DATABASE_ENV, "") or BENCH_DATABASE
    if not _NAME.fullmatch(name):
        raise ConfigError(
            f"WAYMARK_BENCH_DATABASE={name!r}: expected a lower-case identifier of at most 50 "
            "characters (letters, digits, underscores)"
        )
    return name


class DatabaseBusy(RuntimeError):
    """Another benchmark run (or a leftover process) is connected to the benchmark database."""


@dataclass(frozen=True, slots=True)
class Database:
    dsn: str
    source: str  # "embedded" or "WAYMARK_DATABASE_URL"
    name: str
    server_version: str
    note: str = ""

    def describe(self) -> dict[str, str]:
        return {"source": self.source, "dsn": redact(self.dsn), "name": self.name,
                "server_version": self.server_version, "note": self.note}  # fmt: skip


async def prepare_database(settings: Settings, *, synchronous_commit: bool = True) -> Database:
    """Find the server, recreate the benchmark database on it, and report its version.

    `synchronous_commit=False` is an experiment, never a default: commits stop waiting for the
    WAL flush, which shows how much of a workload's time is the server's fsync.
    """
    base = await asyncio.to_thread(database_url, settings)
    source = "WAYMARK_DATABASE_URL" if settings.database_url else "embedded"
    name = bench_database()
    try:
        await recreate(base, name, synchronous_commit)
        dsn, note = with_database(base, name), ""
    except asyncpg.InsufficientPrivilegeError:
        if not synchronous_commit:
            raise
        dsn, note = base, "CREATE DATABASE refused: ran in the configured database"
    version = await server_version(dsn)
    return Database(dsn, source, urlsplit(dsn).path.lstrip("/"), version, note)


async def recreate(base: str, name: str, synchronous_commit: bool = True) -> None:
    """Drop and create database `name` on the server of `base`."""
    connection = await asyncpg.connect(base)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
        if not synchronous_commit:
            await connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    except asyncpg.ObjectInUseError as error:
        raise DatabaseBusy(f"database {name} is in use by another session: {error}") from error
    finally:
        await connection.close()


def with_database(dsn: str, name: str) -> str:
    """`dsn` with its database name replaced (query parameters such as `host=` are kept)."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def redact(dsn: str) -> str:
    """`dsn` without its password, fit for a report."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


async def server_version(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


async def database_bytes(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT pg_database_size(current_database())"))
