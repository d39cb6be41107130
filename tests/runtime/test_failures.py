"""Bad input and lost processes fail only their own instance, with a clear error; claim order
follows priority; finished instances are collected after their retention."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.client import exception_of
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import WorkflowFailed, WrlSyntaxError
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.wrl import version_of_canonical

pytestmark = pytest.mark.usefixtures("worker_env")

SINGLE = flows.Single.__waymark_definition__
assert SINGLE is not None


def crafted(wrl: str, inputs: dict[str, object]) -> NewInstance:
    """An instance of `Single` running `wrl`, stored under the version its text hashes to."""
    return NewInstance(
        workflow=SINGLE.name, version=version_of_canonical(wrl), wrl=wrl, inputs=inputs
    )


async def test_bad_programs_and_payloads_fail_only_their_instance(
    store: PostgresStore, database: str
) -> None:
    unknown = SINGLE.wrl.replace("tests.runtime.runtime_flows:noop", "os:system")
    assert unknown != SINGLE.wrl
    specs = [
        crafted("wrl 2\n\nworkflow Single\nthis is not a program\n", {"value": 1}),
        crafted(unknown, {"value": 1}),
        crafted(SINGLE.wrl, {"value": {"$t": "no-such-tag"}}),
        crafted(SINGLE.wrl, {"value": 3}),
    ]
    ids = await store.create_instances(specs, time.time())
    async with running(store, runner_settings(database)), waymark.connect(database) as client:
        errors = []
        for instance_id in ids[:3]:
            with pytest.raises(Exception) as caught:
                await client.get_result(instance_id, timeout=20)
            errors.append(caught.value)
        assert await client.get_result(ids[3], timeout=20) == 3
    bad_text, unknown_action, bad_payload = errors
    assert isinstance(bad_text, WrlSyntaxError)
    assert "os:system" in str(unknown_action) and "no action is registered" in str(unknown_action)
    assert "no-such-tag" in str(bad_payload)


async def test_a_process_an_action_forks_takes_none_of_its_worker_s_requests(
    store: PostgresStore, database: str
) -> None:
    """The forked copy of the worker, which goes on running its loop, finds the null device
    where the pipes were: every later attempt is still run and answered by the worker (the copy
    read some of them, which then never ran nor answered)."""
    async with running(store, runner_settings(database)), waymark.connect(database):
        assert await asyncio.wait_for(flows.Forks().run(), 20) == 1
        for value in range(12):
            assert await asyncio.wait_for(flows.Single().run(value), 20) == value


async def test_a_corrupt_state_fails_only_its_instance(store: PostgresStore, database: str) -> None:
    settings = runner_settings(database, evict_sleep_threshold_ms=0)
    async with running(store, settings), waymark.connect(database) as client:
        sleeper = await flows.SleepThenAdd().run(1.0, _blocking=False)
        await _until(store, "SELECT count(*) FROM waymark_timers", 1)
        await store.pool.execute("UPDATE waymark_instances SET state = '{\"v\": 999}'")
        healthy = await flows.Sequence().run(5)
        with pytest.raises(Exception, match="instance state format 999 is unknown"):
            await client.get_result(sleeper, timeout=20)
    assert healthy == 10


async def _until(store: PostgresStore, sql: str, expected: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while await store.pool.fetchval(sql) != expected:
        assert time.monotonic() < deadline, f"timed out waiting for {sql!r} == {expected}"
        await asyncio.sleep(0.05)


async def test_sigkill_of_a_worker_mid_action_retries_the_attempt(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    async with running(store, runner_settings(database)) as runner, waymark.connect(database):
        instance_id = await flows.Recorded().run("k", 1, 1.0, _blocking=False)
        await _until(store, "SELECT count(*) FROM waymark_attempts WHERE status = 'running'", 1)
        await asyncio.sleep(0.3)  # the worker has it and sleeps
        [worker] = runner.pool.workers
        os.kill(worker.process.pid, signal.SIGKILL)
        assert await store.wait_outcome(instance_id, timeout=20) == InstanceOutcome(
            ok=True, value=["k/0"]
        )
    assert worker_env.read_text().splitlines() == ["k/0"]
    assert await store.pool.fetchval("SELECT lost_count FROM waymark_attempts") == 1


async def test_a_lease_the_runner_does_not_track_is_given_back(
    store: PostgresStore, database: str
) -> None:
    [instance_id] = await store.create_instances([crafted(SINGLE.wrl, {"value": 9})], time.time())
    await store.claim("runner-x", 1, time.time(), 3600)  # leased in the database only
    async with running(store, runner_settings(database), owner="runner-x"):
        outcome = await store.wait_outcome(instance_id, timeout=20)
    assert outcome == InstanceOutcome(ok=True, value=9)


async def test_claims_follow_priority(store: PostgresStore, database: str) -> None:
    async with waymark.connect(database):
        ids = {
            priority: await flows.Single().run(priority, _blocking=False, _priority=priority)
            for priority in (0, 3, 1, 5, 2)
        }
    settings = runner_settings(database, max_concurrent_instances=1)
    async with running(store, settings):
        for instance_id in ids.values():
            await store.wait_outcome(instance_id, timeout=20)
    rows = await store.pool.fetch("SELECT priority FROM waymark_instances ORDER BY finished_at")
    assert [row["priority"] for row in rows] == [5, 3, 2, 1, 0]


async def test_finished_instances_are_collected_after_their_retention(
    store: PostgresStore, database: str
) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        assert await flows.Single().run(1) == 1
    assert await store.pool.fetchval("SELECT count(*) FROM waymark_instances") == 1
    settings = runner_settings(
        database, garbage_collector_retention_hours=24, garbage_collector_interval_ms=100
    )
    runner_clock = lambda: time.time() + 23 * 3600  # noqa: E731 - still within retention
    async with running(store, settings, clock=runner_clock):
        await asyncio.sleep(0.5)
    assert await store.pool.fetchval("SELECT count(*) FROM waymark_instances") == 1
    async with running(store, settings, clock=lambda: time.time() + 25 * 3600):
        await _until(store, "SELECT count(*) FROM waymark_instances", 0)
    assert await store.pool.fetchval("SELECT count(*) FROM waymark_attempts") == 0


async def test_an_unloaded_exception_class_arrives_as_workflow_failed(
    store: PostgresStore,
) -> None:
    [instance_id] = await store.create_instances([crafted(SINGLE.wrl, {"value": 1})], time.time())
    await store.claim("me", 1, time.time(), 30)
    error = {
        "$t": "exception",
        "type": "nowhere.module:Weird",
        "bases": ["builtins:Exception"],
        "message": "odd",
        "args": ["odd"],
        "attrs": {},
    }
    batch = CommitBatch()
    batch.instance(instance_id, outcome=InstanceOutcome(ok=False, value=error))
    await store.commit(batch, "me", time.time())
    raised = exception_of(
        (await store.outcome(instance_id) or InstanceOutcome(ok=True, value=0)).value
    )
    assert isinstance(raised, WorkflowFailed)
    assert str(raised) == "Weird: odd"
    assert raised.type_name == "nowhere.module:Weird"
    assert isinstance(exception_of({**error, "type": "builtins:KeyError"}), KeyError)
    sys.modules.pop("plistlib", None)  # importable, not loaded: the client leaves it so
    named = exception_of({**error, "type": "plistlib:InvalidFileException", "args": []})
    assert isinstance(named, WorkflowFailed) and "plistlib" not in sys.modules
    assert named.type_name == "plistlib:InvalidFileException"
