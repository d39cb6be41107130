"""Faults around steering and deadlines, with real processes and a real PostgreSQL: a worker
frozen (SIGSTOP) past its action's deadline, a runner frozen past its lease while its instance
is cancelled, signalled or reaches its deadline, and a cancel, a signal and an idempotent start
made again by their callers while PostgreSQL restarts. Every instance ends as its body does in
plain Python, and nothing runs after its instance ended."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest

import waymark
from tests.runtime import fault_flows as flows
from tests.runtime.test_faults import results, start_workers, submit, wait_for
from tests.runtime.test_fencing import own_server, paused, restart
from waymark_runtime.errors import WorkflowCancelled, WorkflowTimeout

pytestmark = pytest.mark.fault
MODULE = "tests.runtime.fault_flows"
T = TypeVar("T")


def lines(record: Path) -> list[str]:
    return record.read_text().splitlines() if record.exists() else []


def worker_of(record: Path, key: str) -> int | None:
    """The process that started the first execution of `nap` `key`."""
    for line in lines(record):
        kind, found, *rest = line.split()
        if kind == "start" and found == key:
            return int(rest[0])
    return None


def started(record: Path) -> list[str]:
    return [line.split()[1] for line in lines(record) if line.startswith("start ")]


async def rows(database: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(database)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def test_a_worker_frozen_past_its_actions_deadline_is_replaced_and_the_action_retried(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    [instance] = await submit(database, [(flows.NapWithDeadline, ("k",))])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE):
        await wait_for(lambda: worker_of(record, "k") is not None, 25, "the nap to start")
        frozen = worker_of(record, "k")
        assert frozen is not None
        os.kill(frozen, signal.SIGSTOP)
        try:
            [outcome] = await results(database, [instance], timeout=25)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(frozen, signal.SIGCONT)
    assert outcome == "k"
    found = await rows(database, "SELECT status, error FROM waymark_attempts"
                       " WHERE instance_id = $1 ORDER BY attempt", instance)  # fmt: skip
    assert [row["status"] for row in found] == ["failed", "completed"]
    assert "ActionTimeout" in found[0]["error"]
    pids = [int(line.split()[2]) for line in lines(record) if line.startswith("start ")]
    assert len(pids) == 2 and pids[0] != pids[1]  # run again in a new worker


async def test_a_parent_cancelled_while_its_runner_is_frozen_ends_with_its_child(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    [parent] = await submit(database, [(flows.NapParent, ("p", 30.0))])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE) as runner:
        await wait_for(lambda: worker_of(record, "p/a") is not None, 25, "the child's nap")
        with paused(runner):
            async with waymark.connect(database) as client:
                await waymark.cancel(parent, "no longer wanted")
                with pytest.raises(WorkflowCancelled, match="no longer wanted"):
                    await client.get_result(parent, timeout=10)
            await asyncio.sleep(3.0)  # past the runner's lease
        await asyncio.sleep(2.0)  # the runner is back: its commits are refused
        assert runner.process.poll() is None
    found = await rows(database, "SELECT status FROM waymark_instances"
                       " WHERE id = $1 OR parent_id = $1", parent)  # fmt: skip
    assert [row["status"] for row in found] == ["cancelled", "cancelled"]
    assert started(record) == ["p/a"]  # nothing ran after the cancel


async def test_a_signal_sent_before_its_waits_timeout_while_the_runner_is_frozen_wins(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    [instance] = await submit(database, [(flows.WaitOrGiveUp, (2.0,))])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE) as first:
        await wait_for(first.ready, 25, "the runner")
        await asyncio.sleep(0.5)  # the wait is committed
        with paused(first):
            async with waymark.connect(database):
                await waymark.send_signal(instance, "go", "early", send_id="x")
            await asyncio.sleep(3.0)  # past the wait's timeout and the lease
            with start_workers(database, record, WAYMARK_USER_MODULE=MODULE):
                outcome = await results(database, [instance], timeout=25)
    assert outcome == ["got early"]


async def test_a_deadline_passing_while_the_runner_is_frozen_ends_the_instance_once(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    async with waymark.connect(database) as client:
        instance = await flows.NapChild().run("d", 30.0, _blocking=False, _timeout=3.0)
        with start_workers(database, record, WAYMARK_USER_MODULE=MODULE) as first:
            await wait_for(lambda: worker_of(record, "d/a") is not None, 25, "the nap")
            with (
                paused(first),
                start_workers(database, record, WAYMARK_USER_MODULE=MODULE),
                pytest.raises(WorkflowTimeout),
            ):
                await client.get_result(instance, timeout=20)
            await asyncio.sleep(2.0)  # the first runner is back
    found = await rows(database, "SELECT status FROM waymark_instances WHERE id = $1", instance)
    assert found[0]["status"] == "failed"
    assert "d/b" not in started(record)


async def _until(call: Callable[[], Awaitable[T]], timeout: float = 30) -> T:
    """`call` made again until it succeeds, as a caller does while PostgreSQL restarts."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await call()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            if time.monotonic() > deadline:
                raise AssertionError(f"still failing: {error!r}") from error
            await asyncio.sleep(0.1)


async def test_steering_calls_made_again_across_a_postgres_restart_take_effect_once(
    tmp_path: Path,
) -> None:
    record = tmp_path / "executions.log"
    async with own_server("steer") as (server, database):
        signalled, doomed = await submit(
            database, [(flows.SignalThenNap, ("s",)), (flows.NapChild, ("c", 30.0))]
        )
        with start_workers(database, record, WAYMARK_USER_MODULE=MODULE):
            await wait_for(lambda: worker_of(record, "c/a") is not None, 25, "the nap")
            async with waymark.connect(database) as client:
                await waymark.send_signal(signalled, "go", "one", send_id="first")
                down = asyncio.ensure_future(restart(server, 1.0))
                await asyncio.sleep(0.05)  # the server is going down
                calls = asyncio.gather(
                    _until(lambda: waymark.send_signal(signalled, "go", "two", send_id="second")),
                    _until(lambda: waymark.cancel(doomed, "stop")),
                    _until(lambda: flows.NapChild().run("k", 0.0, _blocking=False,
                                                        _idempotency_key="key")),
                )  # fmt: skip
                await down
                _, _, keyed = await asyncio.wait_for(calls, 40)
                await _until(lambda: waymark.cancel(doomed, "again"))  # answered as the first
                again = await flows.NapChild().run("k", 0.0, _blocking=False,
                                                   _idempotency_key="key")  # fmt: skip
                assert again == keyed
                assert await client.get_result(signalled, timeout=25) == ["s/one", "s/two"]
                assert await client.get_result(keyed, timeout=25) == "k/ak/b"
                with pytest.raises(WorkflowCancelled, match="stop"):
                    await client.get_result(doomed, timeout=25)
        found = await rows(database, "SELECT count(*) AS n FROM waymark_instances")
    assert found[0]["n"] == 3
    assert sorted(started(record)) == ["c/a", "k/a", "k/b", "s/one", "s/two"]
