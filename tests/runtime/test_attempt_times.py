"""Attempt times on both stores: every attempt that ran carries `started_at` and `finished_at`,
read from the runner's clock (when it sent the attempt to a worker, when it took the reply), so
a duration is never missing or negative — also for an attempt sent while its row still said
`queued` (no worker slot was free at its commit) that ended before a commit marked it running.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.runtime import child_flows
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.admin import Admin
from waymark_runtime.engine import NewInstance
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.contract import RunnerStore

pytestmark = pytest.mark.usefixtures("worker_env")

WIDTH = 40  # far more calls than the runner's 2 worker slots: most are sent with rows `queued`


async def finished(admin: Admin, instance_id: str) -> Any:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        detail = await admin.show(instance_id)
        if detail.summary.finished_at is not None:
            return detail
        await asyncio.sleep(0.02)
    raise AssertionError(f"instance {instance_id} did not finish")


async def test_every_attempt_that_ran_has_both_times(any_store: RunnerStore, database: str) -> None:
    definition = flows.Fanout.__waymark_definition__
    assert definition is not None
    spec = NewInstance(workflow=definition.name, version=definition.version,
                       wrl=definition.wrl, inputs={"count": WIDTH})  # fmt: skip
    before = time.time()
    [instance_id] = await any_store.create_instances([spec], before)
    admin = Admin(any_store)
    async with running(any_store, runner_settings(database, concurrent_per_worker=2)):
        detail = await finished(admin, instance_id)
    after = time.time()
    assert detail.summary.status == "completed"
    assert len(detail.attempts) == WIDTH
    for attempt in detail.attempts:
        assert attempt.status == "completed"
        assert attempt.started_at is not None, attempt
        assert attempt.finished_at is not None, attempt
        assert before <= attempt.ready_at <= attempt.started_at, attempt
        assert attempt.started_at <= attempt.finished_at <= after, attempt
        assert attempt.finished_at <= detail.summary.finished_at, attempt


async def test_child_calls_start_with_their_commit() -> None:
    """The parent's attempt of a child call (blocking, or a refusal) starts when the commit
    that starts the child lands, and ends when the child's outcome is recorded."""
    async with LocalRuntime() as runtime:
        parent = await child_flows.FanOut().run(ns=[1, 2], _blocking=False)
        await runtime.result(parent)
        detail = await runtime.admin().show(parent)
    children = [attempt for attempt in detail.attempts if attempt.action == "EvenOnly"]
    assert len(children) == 2
    for attempt in detail.attempts:
        assert attempt.started_at is not None, attempt
        assert attempt.finished_at is not None, attempt
        assert attempt.created_at <= attempt.started_at <= attempt.finished_at, attempt
