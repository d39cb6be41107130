"""A child call of a workflow with no registered version fails where the parent awaits it, as
a refused call (`ChildWorkflowError` naming the workflow): the parent can catch it, uncaught it
fails the parent, no child is created, and the commit that records the call is not refused.

Roots are created as a schedule creates them (their own version only), so the child's version
is registered only when a test registers it; each test runs on PostgreSQL and on the memory
store with the production runner, and once through `LocalRuntime` as a user runs it.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, cast

import pytest

from tests.runtime import unregistered_flows as flows
from tests.runtime.support import runner_settings, running
from waymark.testing import LocalRuntime
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import ChildWorkflowError
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.contract import InspectionStore, InstanceQuery, RunnerStore
from waymark_runtime.worker.executor import InProcessExecutor

REFUSAL = "workflow 'Unregistered' has no registered version to start as a child"


def _spec(flow: Any, **inputs: Any) -> NewInstance:
    definition = flow.__waymark_definition__
    return NewInstance(workflow=definition.name, version=definition.version,
                       wrl=definition.wrl, inputs=inputs)  # fmt: skip


async def _outcome(store: RunnerStore, flow: Any, **inputs: Any) -> tuple[str, InstanceOutcome]:
    [instance_id] = await store.create_instances([_spec(flow, **inputs)], time.time())
    return instance_id, await store.wait_outcome(instance_id, timeout=20)


def _runner(store: RunnerStore, database: str) -> Any:
    return running(store, runner_settings(database), executor=InProcessExecutor)


async def test_an_uncaught_refusal_fails_the_parent_naming_the_workflow(
    any_store: RunnerStore, database: str
) -> None:
    async with _runner(any_store, database):
        parent, outcome = await _outcome(any_store, flows.NeedsUnregistered, n=1)
    assert not outcome.ok
    assert outcome.value["type"] == "waymark_runtime.errors:ChildWorkflowError"
    assert outcome.value["message"].startswith(REFUSAL)
    inspect = cast(InspectionStore, any_store)
    assert await inspect.list_instances(InstanceQuery(parent=parent)) == []
    [attempt] = await inspect.attempts_of(parent)
    assert (attempt["action"], attempt["status"]) == ("Unregistered", "failed")


@pytest.mark.parametrize("flow", [flows.CatchesUnregistered, flows.DetachesUnregistered])
async def test_the_parent_catches_the_refusal_where_it_awaits(
    any_store: RunnerStore, database: str, flow: Any
) -> None:
    async with _runner(any_store, database):
        _, outcome = await _outcome(any_store, flow, n=1)
    assert outcome.ok and outcome.value.startswith(f"refused: {REFUSAL}")


async def test_a_version_registered_later_is_found(any_store: RunnerStore, database: str) -> None:
    async with _runner(any_store, database):
        _, refused = await _outcome(any_store, flows.CatchesUnregistered, n=1)
        await _outcome(any_store, flows.Unregistered, n=0)  # a client runs it: registered
        parent, found = await _outcome(any_store, flows.CatchesUnregistered, n=1)
    assert refused.value.startswith("refused: ") and found.value == "got 2"
    child = str(uuid.uuid5(uuid.UUID(parent), "n1"))
    row = await any_store.status(child)
    assert row is not None and row["parent_id"] == parent


async def test_the_stores_say_which_workflows_have_a_version(any_store: RunnerStore) -> None:
    await any_store.create_instances([_spec(flows.Unregistered, n=0)], time.time())
    names = {"Unregistered", "NeedsUnregistered", "Nowhere"}
    assert await any_store.registered_workflows(names) == {"Unregistered"}
    assert await any_store.registered_workflows([]) == set()


async def test_local_runtime_raises_the_refusal_at_the_client() -> None:
    async with LocalRuntime() as runtime:
        [parent] = await runtime.store.create_instances(
            [_spec(flows.NeedsUnregistered, n=1)], runtime.clock.now()
        )
        with pytest.raises(ChildWorkflowError, match=REFUSAL):
            await runtime.result(parent)
