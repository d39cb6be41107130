"""A database connection lost while a command works: a one-line `cannot reach the database`
error (exit 1), never the driver's error reported as an internal error (exit 70). The outage
is this test's own: it ends its own connections (`pg_terminate_backend`), never the server."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from tests.runtime.conftest import database, pg_server
from waymark_compiler.cli._database import connected, load_settings
from waymark_compiler.cli._output import CliError

__all__ = ["database", "pg_server"]


def test_a_connection_lost_mid_command_is_a_clear_error(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAYMARK_DATABASE_URL", database)

    async def command() -> None:
        async with connected(load_settings()) as store, store.pool.acquire() as connection:
            pid = await connection.fetchval("SELECT pg_backend_pid()")
            ender = await asyncpg.connect(database)
            try:
                await ender.execute("SELECT pg_terminate_backend($1)", pid)
            finally:
                await ender.close()
            await connection.fetchval("SELECT 1")

    with pytest.raises(CliError) as caught:
        asyncio.run(command())
    assert caught.value.message.startswith("cannot reach the database: ")
    assert "\n" not in caught.value.message
    assert caught.value.exit_code == 1


def test_other_errors_are_left_alone(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYMARK_DATABASE_URL", database)

    async def command() -> None:
        async with connected(load_settings()) as store:
            await store.pool.fetchval("SELECT 1/0")

    with pytest.raises(asyncpg.DivisionByZeroError):
        asyncio.run(command())
