"""`waymark.connect(dsn)`: a PostgreSQL client made current for a block and closed after it.

Inside the block `run()`, `get_status` and `admin()` use that database; on leaving, the client's
connections are closed and the context has no backend again. A malformed URL or a database
that cannot be reached fails on entry, with an error that says which, and never the password.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running, with_database
from waymark_runtime.reaching import is_lost
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.worker.cli import open_store
from waymark_runtime.workflows import current_backend_or_none


async def test_the_client_is_current_in_the_block_and_closed_after_it(
    store: PostgresStore, database: str
) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database) as client:
        assert current_backend_or_none() is client
        assert await flows.Single().run(4) == await flows.Single().run_inline(4)
        instance_id = await flows.Single().run(5, _blocking=False)
        assert await waymark.get_result(instance_id, timeout=30) == await client.get_result(
            instance_id
        )
        status = await waymark.get_status(instance_id)
        assert status is not None and status.status == "completed"
        assert (await (await waymark.admin()).show(instance_id)).summary.id == instance_id
        pool = (await client.store()).pool
    assert current_backend_or_none() is None
    assert pool.is_closing()


async def test_the_block_ends_the_same_way_when_it_raises(database: str) -> None:
    with pytest.raises(KeyError):
        async with waymark.connect(database) as client:
            pool = (await client.store()).pool
            raise KeyError("out")
    assert current_backend_or_none() is None and pool.is_closing()


@pytest.mark.parametrize(
    ("dsn", "message"),
    [
        ("", "starts with postgresql:// or postgres://$"),
        ("  ", "starts with postgresql:// or postgres://$"),
        ("db.internal:5432/app", "starts with postgresql:// or postgres://$"),
        ("mysql://app:s3cret@db.internal/app", "postgres://, got mysql://$"),
        ("app:s3cret://db.internal/app", "starts with postgresql:// or postgres://$"),
        ("postgresql://app:s3cret@127.0.0.1:port/app", "malformed database URL: .*'port'"),
        ("postgresql://app:s3cret@127.0.0.1:99999/app", "port '99999' is not a number from 1"),
        ("postgresql://app:s3cret@127.0.0.1:-1/app", "port '-1' is not a number from 1"),
        ("postgresql://app:s3cret@h:1,127.0.0.1:0/app", "port '0' is not a number from 1"),
        ("postgresql://app:s3cret@[::1/app", "malformed database URL: invalid DSN: Invalid IPv6"),
        (5432, "a database URL is a str, got int"),
    ],
)
async def test_a_malformed_url_is_refused_on_entry(dsn: Any, message: str) -> None:
    with pytest.raises(waymark.InvalidDatabaseUrl, match=message) as refused:
        async with waymark.connect(dsn):
            raise AssertionError("the block must not run")
    assert isinstance(refused.value, ValueError) and "s3cret" not in str(refused.value)
    assert current_backend_or_none() is None


async def test_a_server_that_is_not_there_is_unreachable() -> None:
    with pytest.raises(waymark.DatabaseUnreachable, match=r"^cannot reach the database: "):
        async with waymark.connect("postgresql://app:s3cret@127.0.0.1:1/app"):
            raise AssertionError("the block must not run")
    assert current_backend_or_none() is None


async def test_a_database_that_does_not_exist_is_unreachable(pg_server: str) -> None:
    missing = with_database(pg_server, "waymark_no_such_database")
    with pytest.raises(waymark.DatabaseUnreachable, match="waymark_no_such_database"):
        async with waymark.connect(missing):
            raise AssertionError("the block must not run")


async def test_a_runner_session_cannot_sit_in_a_transaction_past_its_lease(database: str) -> None:
    """A runner's store has the server end a session idle inside a transaction for longer
    than the lease (`WAYMARK_LOCK_TTL_MS`), which frees its row locks: a runner stopped
    (SIGSTOP) or cut off mid-transaction cannot stall the other runners waiting on them past
    the time they take its instances over."""
    settings = runner_settings(database, lock_ttl_ms=600, lock_heartbeat_ms=200)
    store = await open_store(database, settings)
    try:
        connection = await store.pool.acquire()
        assert await connection.fetchval("SHOW idle_in_transaction_session_timeout") == "600ms"
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("SELECT 1")  # then nothing, as a stopped runner
        await asyncio.sleep(1.5)
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)):
            await connection.execute("SELECT 1")
        await store.pool.release(connection)
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (ConnectionRefusedError(), True),
        (FileNotFoundError(), True),  # the server's socket file is gone
        (asyncpg.exceptions.CannotConnectNowError("starting up"), True),
        (asyncpg.exceptions.AdminShutdownError("terminating"), True),
        (asyncpg.exceptions.ConnectionDoesNotExistError("closed mid-operation"), True),
        (asyncpg.exceptions.InternalClientError("another operation is in progress"), True),
        (TimeoutError(), False),  # get_result's own timeout
        (asyncpg.exceptions.QueryCanceledError("statement timeout"), False),
        (asyncpg.exceptions.UniqueViolationError("duplicate"), False),
        (asyncpg.exceptions.DataError("invalid input for query argument"), False),
    ],
)
def test_what_counts_as_a_lost_database(error: BaseException, lost: bool) -> None:
    """What client calls raise as `DatabaseUnreachable` (`waymark_runtime.reaching`)."""
    assert is_lost(error) is lost
