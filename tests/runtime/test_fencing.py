"""Fencing under faults, with real processes: no action starts once its claim is gone.

Every `ledger` execution records when it started. The rule checked: no execution of an action
starts after the commit that recorded that action's result, whatever happened to the runners
(paused past their lease, SIGKILLed, their workers killed) or to PostgreSQL (restarted for longer
than the lease), and every instance ends with the result its body gives as plain Python.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.runtime import runtime_flows as flows
from tests.runtime.support import create_database, start_embedded, stop_embedded
from tests.runtime.test_faults import (
    Started,
    count,
    results,
    start_workers,
    submit,
    wait_for,
)
from waymark_runtime.embedded import server_handle
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault

# A small pool (2 slots) under many attempts, so most of them wait in the runner's queue.
SATURATED = {"WAYMARK_WORKER_COUNT": "1", "WAYMARK_CONCURRENT_PER_WORKER": "2"}
RUNNING = "SELECT count(*) FROM waymark_attempts WHERE status = 'running'"


def started_at(record: Path) -> dict[str, list[float]]:
    """Every recorded execution's start time, by action key."""
    starts: dict[str, list[float]] = {}
    lines = record.read_text().splitlines() if record.exists() else []
    for line in lines:
        key, _, started = line.partition(" ")
        if started:
            starts.setdefault(key, []).append(float(started))
    return starts


async def committed_at(database: str) -> dict[str, float]:
    """When the result of each completed `ledger` action was committed, by key."""
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        rows = await store.pool.fetch(
            "SELECT args, extract(epoch FROM finished_at)::float8 AS finished_at"
            " FROM waymark_attempts WHERE status = 'completed' AND action LIKE '%:ledger'"
        )
    finally:
        await store.close()
    return {row["args"][0]: row["finished_at"] for row in rows}


async def in_python(tags: list[str], width: int) -> list[list[str]]:
    """The oracle: each instance's `run()` body as plain Python (its actions recording nothing:
    `WM_TEST_RECORD` is not set in this process)."""
    assert flows.RECORD_ENV not in os.environ
    return [await flows.Ledger().run_inline(tag, width, 0.0) for tag in tags]


async def assert_fenced(database: str, record: Path, tags: list[str], width: int) -> None:
    committed = await committed_at(database)
    starts = started_at(record)
    expected = {key for keys in await in_python(tags, width) for key in keys}
    assert set(committed) == expected
    late = {key: [s - committed[key] for s in starts[key] if s > committed[key]] for key in starts}
    assert not {key: seconds for key, seconds in late.items() if seconds}, (
        "executions started after their action's result was committed (seconds after)"
    )


def worker_pids(runner: Started) -> list[int]:
    """The worker processes of a `start-workers` process (its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rpartition(")")[2].split()[1]) == runner.pid:
                    found.append(int(entry.name))
    return found


@contextlib.contextmanager
def paused(runner: Started) -> Iterator[None]:
    """SIGSTOP the runner (its workers go on), SIGCONT it at the end."""
    os.kill(runner.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(runner.pid, signal.SIGCONT)


async def test_a_runner_paused_past_its_lease_starts_nothing_another_runner_finished(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "ledger.log"
    tags, width = [f"p{i}" for i in range(6)], 4
    ids = await submit(database, [(flows.Ledger, (tag, width, 0.3)) for tag in tags])
    with start_workers(database, record, **SATURATED) as first:
        await wait_for(lambda: _running(database), 20, "the first attempts to run")
        with paused(first), start_workers(database, record, **SATURATED):
            outcome = await results(database, ids, timeout=40)
            assert outcome == await in_python(tags, width)
            await asyncio.sleep(0.5)
        # The second runner is gone; the first wakes up with its queue full of attempts that
        # were finished meanwhile, and must start none of them.
        await asyncio.sleep(2.5)
        assert first.process.poll() is None
    await assert_fenced(database, record, tags, width)


async def _running(database: str) -> bool:
    return await count(database, RUNNING) > 0


@contextlib.asynccontextmanager
async def own_server(label: str) -> AsyncIterator[tuple[Any, str]]:
    """An embedded PostgreSQL of this test's own (it is stopped and restarted on purpose)."""
    home = Path(tempfile.mkdtemp(prefix=f"waymark-{label}-"))
    server = await asyncio.to_thread(server_handle, home)
    try:
        uri = server.get_uri("postgres")
        yield server, await asyncio.to_thread(create_database, uri, label)
    finally:
        with contextlib.suppress(Exception):
            stop_embedded(server, "immediate")
        shutil.rmtree(home, ignore_errors=True)


async def restart(server: Any, down_for: float) -> None:
    await asyncio.to_thread(stop_embedded, server, "fast")
    await asyncio.sleep(down_for)
    await asyncio.to_thread(start_embedded, server)


async def test_mixed_faults_rerun_nothing_committed_and_give_the_python_results(
    tmp_path: Path,
) -> None:
    """Runner SIGKILL, worker SIGKILL, runner SIGSTOP past the lease, PostgreSQL down for
    longer than the lease, over dozens of instances on two runners, one after the other."""
    record = tmp_path / "ledger.log"
    tags, width = [f"m{i}" for i in range(24)], 3
    async with own_server("mixed") as (server, database):
        ids = await submit(database, [(flows.Ledger, (tag, width, 0.2)) for tag in tags])
        with (
            start_workers(database, record, **SATURATED) as a,
            start_workers(database, record, **SATURATED) as b,
        ):
            await wait_for(lambda: _running(database), 20, "the first attempts to run")
            for pid in worker_pids(a):
                os.kill(pid, signal.SIGKILL)
            await asyncio.sleep(1.0)
            with paused(b):
                await asyncio.sleep(3.0)  # past the 2 s lease: a takes b's instances over
            await asyncio.sleep(0.5)
            await restart(server, down_for=3.0)  # past the lease, with both queues full
            await asyncio.sleep(1.0)
            os.killpg(a.pid, signal.SIGKILL)
            with start_workers(database, record, **SATURATED):
                outcome = await results(database, ids, timeout=60)
            logs = [runner.log.read_text(errors="replace") for runner in (a, b)]
        assert outcome == await in_python(tags, width)
        await assert_fenced(database, record, tags, width)
        assert not [text for text in logs if "Traceback" in text]  # outages are expected
