"""PostgreSQL fixtures of the runtime tests: a real server, a fresh database per test module.

The server is `WAYMARK_DATABASE_URL` when set, else the embedded PostgreSQL booted in a temporary
`WAYMARK_HOME` (one per test session, so one per xdist worker). Each module gets its own
database, migrated and dropped at the end; `store` empties its tables before each test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.runtime_flows import RECORD_ENV
from tests.runtime.support import (
    ROOT,
    create_database,
    drop_database,
    emptied_store,
    stop_embedded,
    with_database,
)
from waymark_runtime.embedded import server_handle
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.memory import MemoryStore
from waymark_runtime.store.postgres import PostgresStore

_SPANS: Any = None
"""The in-memory exporter of `spans`, made with the provider."""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A DSN of the test server's maintenance database (`postgres`).

    The embedded server lives outside pytest's temporary directories: concurrent pytest
    sessions prune those, which would pull the data directory from under a running server.
    """
    url = os.environ.get("WAYMARK_DATABASE_URL")
    if url:
        yield with_database(url, "postgres")
        return
    home = Path(tempfile.mkdtemp(prefix="waymark-test-"))
    server = server_handle(home)
    try:
        yield server.get_uri("postgres")
    finally:
        stop_embedded(server)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def database(pg_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated database for this test module."""
    label = request.module.__name__.rpartition(".")[2].removeprefix("test_")[:20]
    dsn = create_database(pg_server, label)
    yield dsn
    drop_database(pg_server, dsn)


@pytest.fixture(params=["postgres", "memory"])
async def any_store(request: pytest.FixtureRequest, database: str) -> AsyncIterator[RunnerStore]:
    """Each test using it runs once per store: PostgreSQL, and LocalRuntime's memory store."""
    if request.param == "memory":
        yield MemoryStore(lost_attempt_retries=2, orphaned_attempt_retries=2)
        return
    async with emptied_store(database) as store:
        yield store


@pytest.fixture
async def store(database: str) -> AsyncIterator[PostgresStore]:
    async with emptied_store(database) as store:
        yield store


@pytest.fixture
def worker_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Worker processes can import the test flows and append to a fresh record file."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    record = tmp_path / "executions.log"
    monkeypatch.setenv("WM_TEST_RECORD", str(record))
    return record


@pytest.fixture
def spans() -> Iterator[Any]:
    """This process's finished spans (`InMemorySpanExporter`), cleared around the test: the
    SDK's provider is set once per process, by the first test that asks for it."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    global _SPANS
    if _SPANS is None:
        _SPANS = InMemorySpanExporter()
        provider = trace.get_tracer_provider()
        if not isinstance(provider, TracerProvider):
            provider = TracerProvider()
            trace.set_tracer_provider(provider)
        provider.add_span_processor(SimpleSpanProcessor(_SPANS))
    _SPANS.clear()
    yield _SPANS
    _SPANS.clear()


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the recorded actions of the test flows append their starts and ends to, in this
    process and in workers."""
    path = tmp_path / "record"
    monkeypatch.setenv(RECORD_ENV, str(path))
    return path
