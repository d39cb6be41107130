"""Helpers of the runtime tests: databases, runner settings, an in-loop runner, a client.

Worker processes import `tests.runtime.runtime_flows`, so the repository root must be on their
`PYTHONPATH` (the `worker_env` fixture sees to it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from waymark_runtime.config import Settings
from waymark_runtime.embedded import EmbeddedServer
from waymark_runtime.runner import Runner
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_migrate import migrate
from waymark_runtime.store.postgres import PostgresStore

ROOT = Path(__file__).resolve().parents[2]
FLOWS = "tests.runtime.runtime_flows"
TABLES = (
    "waymark_instances, waymark_workflow_versions, waymark_schedules, "
    "waymark_workflow_concurrency, waymark_workflow_timeouts, waymark_action_gates, "
    "waymark_runners"
)
START_WORKERS = [sys.executable, "-c", "from waymark_runtime.worker.cli import main; main()"]


def with_database(dsn: str, name: str) -> str:
    """`dsn` pointing at database `name` (host, port and socket query kept)."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _execute(server: str, sql: str) -> None:
    """Run one statement on `server` outside any transaction (as `CREATE DATABASE` needs)."""

    async def execute() -> None:
        connection = await asyncpg.connect(server)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(execute())


def create_database(server: str, label: str, *, migrated: bool = True) -> str:
    """Create (and migrate) a fresh database on `server`; returns its DSN."""
    name = f"wm_{label}_{uuid.uuid4().hex[:8]}"
    _execute(server, f'CREATE DATABASE "{name}"')
    dsn = with_database(server, name)
    if migrated:
        migrate(dsn)
    return dsn


def drop_database(server: str, dsn: str) -> None:
    name = urlsplit(dsn).path[1:]
    _execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stop_embedded(server: EmbeddedServer, mode: str = "fast") -> None:
    """Stop an embedded PostgreSQL; `mode="immediate"` is a crash."""
    server.stop(mode)


def start_embedded(server: EmbeddedServer) -> None:
    """Start a stopped embedded PostgreSQL again, on its private socket."""
    server.start()


async def go_down_and_up(
    server: EmbeddedServer, restarted: list[asyncio.Task[None]], down_for: float = 0.5
) -> None:
    """Stop an embedded PostgreSQL now (`fast`) and start it again `down_for` seconds later
    in a task added to `restarted` (the caller awaits it), so the caller's statement in
    flight meets the outage."""
    await asyncio.to_thread(stop_embedded, server, "fast")

    async def start_again() -> None:
        await asyncio.sleep(down_for)
        await asyncio.to_thread(start_embedded, server)

    restarted.append(asyncio.create_task(start_again()))


def runner_settings(database: str, **changes: Any) -> Settings:
    """Settings for a runner in a test: one worker, short leases and intervals."""
    base = Settings.from_env({"WAYMARK_DATABASE_URL": database, "WAYMARK_USER_MODULE": FLOWS})
    defaults: dict[str, Any] = {
        "worker_count": 1,
        "concurrent_per_worker": 8,
        "lock_ttl_ms": 2_000,
        "lock_heartbeat_ms": 500,
        "expired_lock_reclaimer_interval_ms": 200,
        "poll_interval_ms": 100,
        "shutdown_grace_seconds": 5.0,
    }
    return base.replace(**{**defaults, **changes})


@contextlib.asynccontextmanager
async def emptied_store(database: str) -> AsyncIterator[PostgresStore]:
    """A store on `database` with every table emptied first."""
    store = await PostgresStore.open(database, run_migrations=False, lost_attempt_retries=2,
                                     orphaned_attempt_retries=2)  # fmt: skip
    try:
        await store.pool.execute(f"TRUNCATE {TABLES} CASCADE")
        yield store
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def running(
    store: RunnerStore,
    settings: Settings,
    clock: Callable[[], float] | None = None,
    owner: str | None = None,
    **options: Any,
) -> AsyncIterator[Runner]:
    """A runner inside this test's event loop (real worker processes unless `options` name
    another `executor`)."""
    runner = Runner(store, settings, clock=clock, owner=owner, **options)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        yield runner
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


def start_workers_env(database: str, **extra: str) -> dict[str, str]:
    """Environment for a `start-workers` subprocess on `database`."""
    env = dict(os.environ)
    env.update(
        WAYMARK_DATABASE_URL=database,
        WAYMARK_USER_MODULE=FLOWS,
        WAYMARK_WORKER_COUNT="1",
        WAYMARK_LOCK_TTL_MS="2000",
        WAYMARK_LOCK_HEARTBEAT_MS="500",
        WAYMARK_EXPIRED_LOCK_RECLAIMER_INTERVAL_MS="200",
        WAYMARK_LOG_LEVEL="INFO",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def start_workers_process(
    env: dict[str, str], log: Path, command: list[str] = START_WORKERS
) -> Iterator[subprocess.Popen[bytes]]:
    """A `start-workers` process (or `command`, one that serves as it) in its own process group,
    its output appended to `log`. At the end the group is killed if the process still runs, and
    the tail of `log` is printed (pytest shows it when the test fails)."""
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        print(log.read_text(errors="replace")[-4000:])


def lose_an_answer(
    monkeypatch: pytest.MonkeyPatch, method: str, when: Callable[[Any], bool] = lambda _: True
) -> list[Any]:
    """`PostgresStore.<method>` loses its first answer that `when` accepts with the connection,
    after the statement committed (as when PostgreSQL restarts or the backend is terminated at
    that moment); the list returned receives that answer."""
    original = getattr(PostgresStore, method)
    lost: list[Any] = []

    async def losing(self: PostgresStore, *args: Any, **kwargs: Any) -> Any:
        answer = await original(self, *args, **kwargs)
        if not lost and when(answer):
            lost.append(answer)
            raise asyncpg.ConnectionDoesNotExistError("connection closed after the commit")
        return answer

    monkeypatch.setattr(PostgresStore, method, losing)
    return lost


async def frozen(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Wait until `process` has stopped itself (SIGSTOP: state `T` in /proc)."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()[0] != "T":
        assert process.poll() is None and time.monotonic() < deadline, "it never stopped"
        await asyncio.sleep(0.02)
