"""Fixtures of the dashboard tests: the runtime tests' PostgreSQL, an app, an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.runtime.conftest import database, pg_server, worker_env  # the same real server
from tests.runtime.support import emptied_store
from waymark.dashboard import create_app
from waymark_runtime.store.postgres import PostgresStore

__all__ = ["database", "pg_server", "worker_env"]


@pytest.fixture
async def store(database: str) -> AsyncIterator[PostgresStore]:
    async with emptied_store(database) as store:
        yield store


@pytest.fixture
async def client(database: str, store: PostgresStore) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the dashboard app (no token: as served on loopback)."""
    app = create_app(database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield http
