"""A cancel that comes while the runner holding the instance is frozen (SIGSTOP), shorter than
its lease: the action running meanwhile ends on its worker, and when the runner continues it
must neither record that result nor start the instance's next action."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import waymark
from tests.runtime import cancel_flows
from tests.runtime import fault_flows as flows
from tests.runtime.test_faults import start_workers, submit, wait_for
from tests.runtime.test_fencing import paused
from tests.runtime.test_steering_faults import MODULE, lines, rows, started
from waymark import WorkflowCancelled, WorkflowTimeout

pytestmark = pytest.mark.fault


@pytest.mark.parametrize(
    ("lease_ms", "frozen_for"), [("20000", 0.0), ("2000", 3.0)], ids=["within", "past"]
)
async def test_a_cancel_while_the_runner_is_frozen_starts_nothing_after_it(
    database: str, tmp_path: Path, lease_ms: str, frozen_for: float
) -> None:
    record = tmp_path / "executions.log"
    [instance] = await submit(database, [(flows.NapChild, ("f", 1.0))])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE,
                       WAYMARK_LOCK_TTL_MS=lease_ms, WAYMARK_LOCK_HEARTBEAT_MS="500") as runner:  # fmt: skip
        await wait_for(lambda: "f/a" in started(record), 25, "the first nap")
        with paused(runner):
            async with waymark.connect(database) as client:
                await waymark.cancel(instance, "stop")
                with pytest.raises(WorkflowCancelled, match="stop"):
                    await client.get_result(instance, timeout=10)
            await wait_for(lambda: "end f/a" in lines(record), 10, "the nap to end")
            await asyncio.sleep(frozen_for)
        await asyncio.sleep(2.0)  # the runner is back
        assert runner.process.poll() is None
    assert started(record) == ["f/a"]
    found = await rows(database, "SELECT node, status FROM waymark_attempts"
                       " WHERE instance_id = $1", instance)  # fmt: skip
    assert [row["status"] for row in found] == ["failed"]
    [status] = await rows(database, "SELECT status FROM waymark_instances WHERE id = $1", instance)
    assert status["status"] == "cancelled"


async def test_a_cancel_while_the_runner_is_frozen_starts_none_of_the_attempts_waiting(
    database: str, tmp_path: Path
) -> None:
    """A gather wider than the workers' slots: the attempts beyond them wait (in the runner's
    pool, or in a worker's prefetch) when the runner is frozen and the instance cancelled;
    the running ones end meanwhile, and none of those waiting may start after the cancel."""
    record = tmp_path / "executions.log"
    [instance] = await submit(database, [(cancel_flows.NapFan, ("g", 6, 1.0))])
    env = {"WAYMARK_USER_MODULE": "tests.runtime.cancel_flows", "WAYMARK_LOCK_TTL_MS": "20000",
           "WAYMARK_LOCK_HEARTBEAT_MS": "500", "WAYMARK_CONCURRENT_PER_WORKER": "2"}  # fmt: skip
    with start_workers(database, record, **env) as runner:
        await wait_for(lambda: len(started(record)) == 2, 25, "the first naps")
        with paused(runner):
            async with waymark.connect(database):
                await waymark.cancel(instance, "stop")
            cancelled = len(started(record))
            await asyncio.sleep(2.0)  # the running naps end
            frozen_started = len(started(record))
        await asyncio.sleep(2.0)  # the runner is back
    assert len(started(record)) == frozen_started == cancelled == 2, (frozen_started, lines(record))
    found = await rows(database, "SELECT status FROM waymark_attempts WHERE instance_id = $1",
                       instance)  # fmt: skip
    assert {row["status"] for row in found} == {"failed"}


async def test_a_deadline_passing_while_the_runner_is_frozen_starts_nothing_after_it(
    database: str, tmp_path: Path
) -> None:
    """The instance's deadline passes while its runner is frozen within its lease and its
    action ends on the worker: on waking the runner ends the instance, and starts nothing
    more of it."""
    record = tmp_path / "executions.log"
    env = {"WAYMARK_USER_MODULE": MODULE, "WAYMARK_LOCK_TTL_MS": "20000",
           "WAYMARK_LOCK_HEARTBEAT_MS": "500"}  # fmt: skip
    async with waymark.connect(database) as client:
        instance = await flows.NapChild().run("d", 1.0, _blocking=False, _timeout=2.0)
        with start_workers(database, record, **env) as runner:
            await wait_for(lambda: "d/a" in started(record), 25, "the first nap")
            with paused(runner):
                await wait_for(lambda: "end d/a" in lines(record), 10, "the nap to end")
                await asyncio.sleep(2.0)  # past the deadline
            with pytest.raises(WorkflowTimeout):
                await client.get_result(instance, timeout=10)
            await asyncio.sleep(1.0)
    assert started(record) == ["d/a"]


async def test_a_requeue_while_the_runner_is_frozen_never_runs_the_two_side_by_side(
    database: str, tmp_path: Path
) -> None:
    """`requeue` of an instance whose runner is frozen within its lease: the new instance runs
    (on another runner) while the old one's action ends on the frozen runner's worker; when
    that runner wakes, nothing more of the old instance starts."""
    record = tmp_path / "executions.log"
    env = {"WAYMARK_USER_MODULE": MODULE, "WAYMARK_LOCK_TTL_MS": "20000",
           "WAYMARK_LOCK_HEARTBEAT_MS": "500"}  # fmt: skip
    [old] = await submit(database, [(flows.NapChild, ("r", 1.0))])
    with start_workers(database, record, **env) as first:
        await wait_for(lambda: "r/a" in started(record), 25, "the first nap")
        with paused(first):
            async with waymark.connect(database) as client:
                new = (await (await waymark.admin()).requeue(old)).id
                with start_workers(database, record, **env):
                    assert await client.get_result(new, timeout=20) == "r/ar/b"
        await asyncio.sleep(2.0)  # the first runner is back
    assert sorted(started(record)) == ["r/a", "r/a", "r/b"], lines(record)
