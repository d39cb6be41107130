"""One runner, two stores: the same tests of lease loss, lost attempts and retries pass with
the production `Runner` on PostgreSQL and on `LocalRuntime`'s `MemoryStore`.

Actions run in-process (`InProcessExecutor`), so a test sees every execution; the store is the
only difference between the two runs of each test.
"""

from __future__ import annotations

import asyncio
import collections
import time
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from tests.runtime.support import runner_settings, running
from waymark import RetryPolicy, Workflow, action, workflow
from waymark_runtime.engine import NewInstance
from waymark_runtime.runner import Runner
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.worker.executor import InProcessExecutor

EXECUTIONS: collections.Counter[str] = collections.Counter()


@action
async def counted(key: str, seconds: list[float]) -> int:
    """Returns which execution this is; execution n takes `seconds[n - 1]` (0 past the list)."""
    EXECUTIONS[key] += 1
    execution = EXECUTIONS[key]
    await asyncio.sleep(seconds[execution - 1] if execution <= len(seconds) else 0.0)
    return execution


@action
async def flaky(key: str, failures: int) -> str:
    EXECUTIONS[key] += 1
    if EXECUTIONS[key] <= failures:
        raise ConnectionError(f"try {EXECUTIONS[key]} failed")
    return f"ok after {EXECUTIONS[key]}"


@workflow
class Counted(Workflow):
    async def run(self, key: str, seconds: list[float]) -> int:
        return await counted(key, seconds)


@workflow
class Flaky(Workflow):
    async def run(self, key: str, failures: int) -> str:
        return await self.run_action(flaky(key, failures), retry=RetryPolicy(attempts=3))


@workflow
class Placed(Workflow):
    """Loops, a spread and a helper called twice: every attempt and sleep names its site."""

    async def run(self, key: str) -> int:
        total = 0
        for index in range(2):
            total += await self.twice(key, index)
        await asyncio.sleep(0.01)
        parts = await asyncio.gather(*[counted(key, []) for _ in range(2)])
        last = await self.twice(key, len(parts))
        return total + last

    async def twice(self, key: str, value: int) -> int:
        execution = await counted(key, [])
        return value + execution


def runner_on(store: RunnerStore, database: str) -> AbstractAsyncContextManager[Runner]:
    return running(store, runner_settings(database), executor=InProcessExecutor)


async def start(store: RunnerStore, flow: Any, **inputs: Any) -> str:
    definition = flow.__waymark_definition__
    spec = NewInstance(workflow=definition.name, version=definition.version,
                       wrl=definition.wrl, inputs=inputs)  # fmt: skip
    [instance_id] = await store.create_instances([spec], time.time())
    return instance_id


async def first_execution(key: str) -> None:
    while EXECUTIONS[key] < 1:
        await asyncio.sleep(0.01)


async def recorded_running(store: RunnerStore, instance_id: str) -> None:
    """Until the commit that started the instance's attempt has landed."""
    while not any(row["status"] == "running" for row in await store.attempts_of(instance_id)):
        await asyncio.sleep(0.01)


async def take_over_and_give_back(store: RunnerStore, instance_id: str) -> None:
    """Another runner whose clock says the lease expired claims the instance (the attempt in
    flight counts as lost), then stops at once: it queues the attempt and releases it."""
    later = time.time() + 3600
    assert (await store.reclaim_expired_instances(later)).instances == 1
    [claim] = await store.claim("another runner", 1, later, 30.0)
    [lost] = claim.pending
    release = CommitBatch()
    release.requeue(instance_id, lost.node, lost.attempt)
    release.instance(instance_id, release=True, wake_at=time.time(), epoch=claim.epoch)
    assert await store.commit(release, "another runner", time.time()) == {instance_id}


async def test_a_claim_taken_over_ignores_what_the_old_claim_started(
    any_store: RunnerStore, database: str, request: pytest.FixtureRequest
) -> None:
    key = request.node.name
    async with runner_on(any_store, database):
        # The first execution replies while the second one (of the new claim) still runs.
        instance_id = await start(any_store, Counted, key=key, seconds=[1.0, 2.0])
        await first_execution(key)
        await recorded_running(any_store, instance_id)  # it may start before its commit lands
        await take_over_and_give_back(any_store, instance_id)
        outcome = await any_store.wait_outcome(instance_id, timeout=20)
    # The instance was claimed again (a new epoch) and ran the attempt again; the reply of the
    # first execution, which came back later, belonged to the old claim and was discarded.
    assert outcome == InstanceOutcome(ok=True, value=2)
    assert EXECUTIONS[key] == 2


async def test_an_attempt_lost_with_its_executor_runs_again(
    any_store: RunnerStore, database: str, request: pytest.FixtureRequest
) -> None:
    key = request.node.name
    async with runner_on(any_store, database) as runner:
        instance_id = await start(any_store, Counted, key=key, seconds=[30.0])
        await first_execution(key)
        runner.pool.kill()
        outcome = await any_store.wait_outcome(instance_id, timeout=20)
    assert outcome == InstanceOutcome(ok=True, value=2)


async def test_retries_follow_the_policy(
    any_store: RunnerStore, database: str, request: pytest.FixtureRequest
) -> None:
    key, exhausted = request.node.name, f"{request.node.name}/exhausted"
    async with runner_on(any_store, database):
        ok = await start(any_store, Flaky, key=key, failures=2)
        failed = await start(any_store, Flaky, key=exhausted, failures=3)
        outcomes = [await any_store.wait_outcome(i, timeout=20) for i in (ok, failed)]
    assert outcomes[0] == InstanceOutcome(ok=True, value="ok after 3")
    assert not outcomes[1].ok and outcomes[1].value["message"] == "try 3 failed"
    assert (EXECUTIONS[key], EXECUTIONS[exhausted]) == (3, 3)


async def test_attempts_and_sleeps_record_their_site_and_iteration(
    any_store: Any, database: str, request: pytest.FixtureRequest
) -> None:
    async with runner_on(any_store, database):
        instance_id = await start(any_store, Placed, key=request.node.name)
        assert (await any_store.wait_outcome(instance_id, timeout=20)).ok
    attempts = await any_store.attempts_of(instance_id)
    assert [(a["node"], a["site"], a["iteration"]) for a in attempts] == [
        ("n1", "twice.0", [0, "run.1.body.0"]),
        ("n2", "twice.0", [1, "run.1.body.0"]),
        ("n4", "run.3.0", [0]),
        ("n5", "run.3.0", [1]),
        ("n6", "twice.0", ["run.4"]),
    ]
    [sleep] = await any_store.timers_of(instance_id)
    assert (sleep["node"], sleep["site"], sleep["iteration"]) == ("n3", "run.2", [])
    assert sleep["finished_at"] is not None
