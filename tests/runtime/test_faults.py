"""Fault tests with real processes: `start-workers` killed, two runners on one database,
PostgreSQL crashed mid-run, a graceful stop, durable sleeps across a runner's death.

Actions append one line per completed execution to a record file, so a test can tell which
actions ran and how often. The rule checked throughout: every instance finishes with the right
result, and an action whose completion was committed before a crash never runs again.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import (
    create_database,
    start_embedded,
    start_workers_env,
    start_workers_process,
    stop_embedded,
)
from waymark_runtime.embedded import server_handle
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault


@dataclass
class Started:
    """A `start-workers` process and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def ready(self) -> bool:
        """The runner has its workers and listens (it logs `ready`)."""
        return " ready" in self.log.read_text(errors="replace")


@contextlib.contextmanager
def start_workers(database: str, record: Path, **env: str) -> Iterator[Started]:
    """A `start-workers` process in its own process group (killed with it at the end)."""
    with tempfile.NamedTemporaryFile(dir=record.parent, suffix=".log", delete=False) as file:
        log = Path(file.name)
    environment = start_workers_env(database, WM_TEST_RECORD=str(record), **env)
    with start_workers_process(environment, log) as process:
        yield Started(process, log)


def executions(record: Path) -> collections.Counter[str]:
    lines = record.read_text().splitlines() if record.exists() else []
    return collections.Counter(line for line in lines if not line.startswith("crash"))


async def wait_for(check: Callable[[], Awaitable[bool] | bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await _truth(check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _truth(value: Awaitable[bool] | bool) -> bool:
    return value if isinstance(value, bool) else await value


async def _positive(value: Awaitable[int]) -> bool:
    return await value > 0


async def count(database: str, sql: str) -> int:
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        return int(await store.pool.fetchval(sql))
    finally:
        await store.close()


async def committed_keys(database: str, ids: list[str] | None = None) -> set[str]:
    """The keys of `recorded` attempts whose completion is committed (of instances `ids`)."""
    store = await PostgresStore.open(database, run_migrations=False)
    try:
        rows = await store.pool.fetch(
            "SELECT args FROM waymark_attempts WHERE status = 'completed'"
            " AND ($1::uuid[] IS NULL OR instance_id = ANY ($1::uuid[]))",
            ids,
        )
    finally:
        await store.close()
    return {row["args"][0] for row in rows}


async def submit(database: str, runs: list[tuple[Any, tuple[Any, ...]]]) -> list[str]:
    async with waymark.connect(database):
        return [await cls().run(*args, _blocking=False) for cls, args in runs]


async def results(database: str, ids: list[str], timeout: float) -> list[Any]:
    async with waymark.connect(database) as client:
        return await asyncio.gather(*(client.get_result(i, timeout=timeout) for i in ids))


async def killed_after(database: str, record: Path, executed: int) -> Started:
    """A `start-workers` process killed (SIGKILL, its workers with it) once `executed` actions
    have completed."""
    with start_workers(database, record) as runner:
        await wait_for(lambda: sum(executions(record).values()) >= executed, 25, "progress")
        os.killpg(runner.pid, signal.SIGKILL)
        runner.process.wait()
    return runner


def expected_keys(tags: list[str], count: int) -> set[str]:
    return {f"{tag}/{i}" for tag in tags for i in range(count)}


async def test_killing_start_workers_mid_run_loses_no_work_and_reruns_nothing_committed(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    tags = [f"k{i}" for i in range(6)]
    ids = await submit(database, [(flows.Recorded, (tag, 5, 0.1)) for tag in tags])
    await killed_after(database, record, 8)
    done_before_crash = await committed_keys(database)
    assert done_before_crash
    with start_workers(database, record) as second:
        outcome = await results(database, ids, timeout=25)
        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(15) == 0
    assert outcome == [[f"{tag}/{i}" for i in range(5)] for tag in tags]
    ran = executions(record)
    assert set(ran) == expected_keys(tags, 5)
    assert all(ran[key] == 1 for key in done_before_crash)
    # Only what was in flight runs again: per instance the attempt whose result was being
    # committed, and the next one, sent while that commit was in flight (docs/runtime.md).
    assert sum(count > 1 for count in ran.values()) <= 2 * len(tags)


async def test_killing_start_workers_mid_gather_redelivers_the_recorded_results(
    database: str, tmp_path: Path
) -> None:
    """Steps that only collect results of a pending gather keep the stored state and record
    the results unconsumed: after a SIGKILL the next claim reads that state with those results
    as events, so none runs again and the gather ends as if nothing had crashed."""
    record = tmp_path / "executions.log"
    [instance_id] = await submit(database, [(flows.RecordedFan, ("g", 400, 0.05))])
    unconsumed = "SELECT count(*) FROM waymark_attempts WHERE status = 'completed' AND NOT consumed"
    with start_workers(database, record) as first:
        await wait_for(lambda: _positive(count(database, unconsumed)), 25, "recorded results")
        os.killpg(first.pid, signal.SIGKILL)
        first.process.wait()
    done_before_crash = {key for key in await committed_keys(database) if key.startswith("g/")}
    assert done_before_crash and len(done_before_crash) < 400
    with start_workers(database, record) as second:
        [outcome] = await results(database, [instance_id], timeout=25)
        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(15) == 0
    assert outcome == [f"g/{i}" for i in range(400)]
    ran = executions(record)
    assert set(ran) == expected_keys(["g"], 400)
    assert all(ran[key] == 1 for key in done_before_crash)
    unconsumed = f"SELECT count(*) FROM waymark_attempts WHERE NOT consumed AND instance_id = '{instance_id}'"
    assert await count(database, unconsumed) == 0


async def test_two_runner_processes_share_the_work_and_never_run_an_instance_twice(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    tags = [f"t{i}" for i in range(16)]
    limits = {"WAYMARK_MAX_CONCURRENT_INSTANCES": "3"}
    with (
        start_workers(database, record, **limits) as a,
        start_workers(database, record, **limits) as b,
    ):
        await wait_for(lambda: a.ready() and b.ready(), 25, "both runners")
        ids = await submit(database, [(flows.Recorded, (tag, 3, 0.05)) for tag in tags])
        outcome = await results(database, ids, timeout=25)
    assert outcome == [[f"{tag}/{i}" for i in range(3)] for tag in tags]
    ran = executions(record)
    assert set(ran) == expected_keys(tags, 3) and set(ran.values()) == {1}
    store = await PostgresStore.open(database, run_migrations=False)
    try:
        owners = await store.pool.fetchval(
            "SELECT count(DISTINCT lease_owner) FROM waymark_attempts"
            " WHERE instance_id = ANY ($1::uuid[])",
            ids,
        )
    finally:
        await store.close()
    assert owners == 2


async def test_sigterm_lets_running_attempts_finish(database: str, tmp_path: Path) -> None:
    record = tmp_path / "executions.log"
    [instance_id] = await submit(database, [(flows.Recorded, ("slow", 1, 1.5))])
    with start_workers(database, record) as runner:
        running = "SELECT count(*) FROM waymark_attempts WHERE status = 'running'"
        await wait_for(lambda: _positive(count(database, running)), 20, "the attempt to start")
        runner.process.send_signal(signal.SIGTERM)
        assert runner.process.wait(20) == 0
    assert executions(record) == {"slow/0": 1}
    async with waymark.connect(database) as client:
        assert await client.get_result(instance_id, timeout=1) == ["slow/0"]


async def test_sigterm_stops_a_worker_that_an_action_keeps_alive(
    database: str, tmp_path: Path
) -> None:
    """A thread an action started and left running holds its worker process past its work:
    the runner kills that worker a few seconds after closing its input, and exits."""
    [instance_id] = await submit(database, [(flows.LeavesAThread, (7,))])
    with start_workers(database, tmp_path / "executions.log") as runner:
        assert (await results(database, [instance_id], timeout=20)) == [7]
        runner.process.send_signal(signal.SIGTERM)
        assert runner.process.wait(30) == 0
    assert "did not exit 5s after its work ended" in runner.log.read_text()


async def test_sigterm_starts_nothing_more_and_counts_nothing_unstarted_as_lost(
    database: str, tmp_path: Path
) -> None:
    """On SIGTERM a runner lets what runs finish and starts nothing more: attempts queued in it
    (or prefetched by a worker) go back to the queue unstarted, never counted as lost, so the
    next runner runs each exactly once and restarts do not use up the lost-attempt budget."""
    record = tmp_path / "executions.log"
    [instance_id] = await submit(database, [(flows.RecordedFan, ("t", 24, 0.6))])
    env = {"WAYMARK_WORKER_COUNT": "1", "WAYMARK_CONCURRENT_PER_WORKER": "2",
           "WAYMARK_SHUTDOWN_GRACE_SECONDS": "5"}  # fmt: skip
    for _ in range(4):  # more restarts than the lost-attempt budget (3) allows losses
        goal = sum(executions(record).values()) + 2
        with start_workers(database, record, **env) as runner:
            await wait_for(functools.partial(_ran, record, goal), 20, "progress")
            before = sum(executions(record).values())
            runner.process.send_signal(signal.SIGTERM)
            assert runner.process.wait(20) == 0
        assert sum(executions(record).values()) <= before + 2  # only what ran finished
        lost = ("SELECT count(*) FROM waymark_attempts WHERE (lost_count > 0 OR status = 'running')"
                f" AND instance_id = '{instance_id}'")  # fmt: skip
        assert await count(database, lost) == 0
    with start_workers(database, record, **env):
        [outcome] = await results(database, [instance_id], timeout=40)
    assert outcome == [f"t/{i}" for i in range(24)]
    assert set(executions(record).values()) == {1}


async def test_sigkill_orphans_only_the_attempts_that_had_started(
    database: str, tmp_path: Path
) -> None:
    """A gather larger than the workers' slots: the attempts beyond them wait in the runner
    with their rows `queued`, so a SIGKILL of the runner counts as orphaned only what ran on
    its workers (two slots here). Killed more often than the lost-attempt budget (3) allows
    losses of one attempt, the gather still ends, no attempt counts as lost (its runner died,
    not its worker), and those orphaned are at most two per kill."""
    record = tmp_path / "executions.log"
    [instance_id] = await submit(database, [(flows.RecordedFan, ("s", 16, 0.6))])
    env = {"WAYMARK_WORKER_COUNT": "1", "WAYMARK_CONCURRENT_PER_WORKER": "2"}
    for _ in range(4):
        goal = sum(executions(record).values()) + 2
        with start_workers(database, record, **env) as runner:
            await wait_for(functools.partial(_ran, record, goal), 20, "progress")
            os.killpg(runner.pid, signal.SIGKILL)
            runner.process.wait()
    with start_workers(database, record, **env):
        [outcome] = await results(database, [instance_id], timeout=40)
    assert outcome == [f"s/{i}" for i in range(16)]
    assert set(executions(record)) == expected_keys(["s"], 16)
    counted = ("SELECT coalesce(sum({}), 0) FROM waymark_attempts"
               f" WHERE instance_id = '{instance_id}'")  # fmt: skip
    assert await count(database, counted.format("lost_count")) == 0
    assert 1 <= await count(database, counted.format("orphaned_count")) <= 2 * 4


def _ran(record: Path, goal: int) -> bool:
    return sum(executions(record).values()) >= goal


@pytest.mark.parametrize("evict_ms", ["0", "60000"], ids=["released", "held"])
async def test_durable_sleep_survives_the_runner_dying(
    database: str, tmp_path: Path, evict_ms: str
) -> None:
    record = tmp_path / "executions.log"
    started = time.time()
    [instance_id] = await submit(database, [(flows.SleepThenAdd, (2.0,))])
    env = {"WAYMARK_EVICT_SLEEP_THRESHOLD_MS": evict_ms}
    with start_workers(database, record, **env) as first:
        timers = "SELECT count(*) FROM waymark_timers"
        await wait_for(lambda: _positive(count(database, timers)), 20, "the sleep to start")
        os.killpg(first.pid, signal.SIGKILL)
        first.process.wait()
    with start_workers(database, record, **env):
        [outcome] = await results(database, [instance_id], timeout=25)
    assert outcome == 2
    assert time.time() - started >= 2.0


async def test_postgres_crash_mid_run(tmp_path: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="waymark-crash-"))
    server = await asyncio.to_thread(server_handle, home)
    try:
        database = await asyncio.to_thread(create_database, server.get_uri("postgres"), "crash")
        record = tmp_path / "executions.log"
        tags = [f"c{i}" for i in range(3)]
        ids = await submit(database, [(flows.Recorded, (tag, 5, 0.1)) for tag in tags])
        with start_workers(database, record) as runner:
            await wait_for(lambda: sum(executions(record).values()) >= 4, 25, "progress")
            done_before_crash = await committed_keys(database)
            await asyncio.to_thread(stop_embedded, server, "immediate")
            await asyncio.sleep(1.0)
            await asyncio.to_thread(start_embedded, server)
            outcome = await results(database, ids, timeout=25)
            assert runner.process.poll() is None  # the runner rode it out
        assert outcome == [[f"{tag}/{i}" for i in range(5)] for tag in tags]
        ran = executions(record)
        assert set(ran) == expected_keys(tags, 5)
        assert all(ran[key] == 1 for key in done_before_crash)
    finally:
        with contextlib.suppress(Exception):
            stop_embedded(server, "immediate")
        shutil.rmtree(home, ignore_errors=True)
