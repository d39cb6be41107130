"""Steering instances: idempotent starts, `waymark.cancel`, and workflow deadlines, on
`LocalRuntime` (virtual time) and on PostgreSQL with a real runner and worker processes."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import lose_an_answer, runner_settings, running
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import InstanceStateError, WorkflowCancelled, WorkflowTimeout
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.postgres import PostgresStore

SINGLE = flows.Single.__waymark_definition__
assert SINGLE is not None


def keyed(key: str | None, value: int = 1) -> NewInstance:
    return NewInstance(workflow=SINGLE.name, version=SINGLE.version, wrl=SINGLE.wrl,
                       inputs={"value": value}, idempotency_key=key)  # fmt: skip


def executions(record: Path) -> list[str]:
    return record.read_text().splitlines() if record.exists() else []


# -- idempotent starts -------------------------------------------------------------------------


async def test_a_taken_key_joins_the_instance_in_one_batch_and_across_batches(
    any_store: Any,
) -> None:
    first, again, other, unkeyed, twin = await any_store.create_instances(
        [keyed("k"), keyed("k", 2), keyed("other"), keyed(None), keyed(None)], 100.0
    )
    assert first == again
    assert len({first, other, unkeyed, twin}) == 4
    [later] = await any_store.create_instances([keyed("k", 3)], 200.0)
    assert later == first
    row = await any_store.status(first)
    assert row["inputs"] == {"value": 1}  # the joined start's inputs are not applied


async def test_a_key_is_free_again_once_its_instance_is_collected(any_store: Any) -> None:
    [first] = await any_store.create_instances([keyed("k")], 100.0)
    await any_store.cancel(first, {"$t": "exception"}, 150.0)
    assert await any_store.create_instances([keyed("k")], 160.0) == [first]
    assert await any_store.collect_garbage(1000.0, retention=10.0) == 1
    [fresh] = await any_store.create_instances([keyed("k")], 1000.0)
    assert fresh != first


async def test_a_start_made_again_with_its_id_creates_nothing_and_joins(any_store: Any) -> None:
    """The same start sent twice (its first answer was lost with the connection, or a dead
    scheduler queued the fire): the instance of that id is neither created again nor changed."""
    plain, held = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
    await any_store.create_instances([keyed(None), keyed("k")], 100.0, [plain, held])
    again = await any_store.create_instances([keyed(None, 2), keyed("k", 2)], 200.0, [plain, held])
    assert again == [plain, held]
    assert [(await any_store.status(i))["inputs"] for i in again] == [{"value": 1}] * 2
    assert len(await any_store.claim("r", 10, 300.0, 30.0)) == 2


async def test_a_start_whose_answer_was_lost_returns_its_instance(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client inserts again after a lost connection: that must not report the start as
    failed (the instance exists and runs: a caller starting it again would run it twice)."""
    lost = lose_an_answer(monkeypatch, "create_instances")
    async with waymark.connect(database):
        instance_id = await flows.Single().run(7, _blocking=False)
    assert lost == [[instance_id]]
    assert await store.pool.fetchval("SELECT count(*) FROM waymark_instances") == 1


async def test_local_runs_with_one_key_run_once(record: Path) -> None:
    async with LocalRuntime():
        ids = {await flows.Recorded().run("a", 2, 0.0, _blocking=False, _idempotency_key="k")
               for _ in range(3)}  # fmt: skip
        assert len(ids) == 1
        results = [await flows.Recorded().run("a", 2, 0.0, _idempotency_key="k")
                   for _ in range(2)]  # fmt: skip
        assert results == [["a/0", "a/1"]] * 2
        assert await waymark.get_result(ids.pop()) == ["a/0", "a/1"]
        other = await flows.Recorded().run("b", 1, 0.0, _idempotency_key="other")
    assert other == ["b/0"]
    assert executions(record) == ["a/0", "a/1", "b/0"]


async def test_racing_starts_on_postgres_create_one_instance(
    store: PostgresStore, database: str, record: Path
) -> None:
    async def start(client_number: int) -> list[str]:
        async with waymark.connect(database):
            starts = [flows.Recorded().run("race", 1, 0.2, _blocking=False,
                                           _idempotency_key="order-42") for _ in range(10)]  # fmt: skip
            return list(await asyncio.gather(*starts))

    ids = [i for batch in await asyncio.gather(*(start(n) for n in range(4))) for i in batch]
    assert len(set(ids)) == 1
    count = await store.pool.fetchval("SELECT count(*) FROM waymark_instances")
    assert count == 1
    async with running(store, runner_settings(database)), waymark.connect(database):
        joined = await flows.Recorded().run("race", 1, 0.2, _idempotency_key="order-42")
    assert joined == ["race/0"]
    assert executions(record) == ["race/0"]


async def test_a_blocking_start_that_joins_a_failed_instance_raises_its_error(
    store: PostgresStore, database: str
) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        with pytest.raises(flows.Declined, match="no"):
            await flows.Declining().run("no", _idempotency_key="d")
        with pytest.raises(flows.Declined, match="no"):
            await flows.Declining().run("other", _idempotency_key="d")


# -- cancellation -----------------------------------------------------------------------------


async def test_cancel_ends_a_sleeping_local_instance() -> None:
    async with LocalRuntime(virtual_time=False):
        instance_id = await flows.SleepThenAdd().run(3600.0, _blocking=False)
        await _until_status(instance_id, "running")
        await waymark.cancel(instance_id, "not needed")
        with pytest.raises(WorkflowCancelled, match="not needed"):
            await waymark.get_result(instance_id)
        status = await waymark.get_status(instance_id)
        assert status is not None and status.status == "cancelled"
        await waymark.cancel(instance_id, "asked again")  # its first answer was lost, say
        with pytest.raises(WorkflowCancelled, match="not needed"):  # the first cancel stands
            await waymark.get_result(instance_id)


async def test_a_completed_or_failed_local_instance_is_not_cancelled() -> None:
    async with LocalRuntime():
        done = await flows.SleepThenAdd().run(0.0, _blocking=False)
        await waymark.get_result(done)
        with pytest.raises(InstanceStateError, match=r"already finished \(completed\)"):
            await waymark.cancel(done)
        status = await waymark.get_status(done)
        assert status is not None and status.status == "completed"


async def test_cancel_on_postgres_drops_the_running_attempt_and_wakes_the_waiter(
    store: PostgresStore, database: str
) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        instance_id = await flows.Slow().run(7, 30.0, _blocking=False)
        waiter = asyncio.ensure_future(waymark.get_result(instance_id))
        await _until_attempt_runs(store, instance_id)
        await waymark.cancel(instance_id)
        with pytest.raises(WorkflowCancelled):
            await asyncio.wait_for(waiter, 10)
        attempts = await store.attempts_of(instance_id)
        assert [a["status"] for a in attempts] == ["failed"]


async def test_a_cancel_made_again_after_its_answer_was_lost_returns_normally(
    store: PostgresStore, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first cancel committed but its answer was lost with the connection: the caller's
    second cancel finds the instance cancelled and returns, and the first reason stands."""
    lost = lose_an_answer(monkeypatch, "cancel")
    async with waymark.connect(database):
        instance_id = await flows.Single().run(7, _blocking=False)
        with pytest.raises(waymark.DatabaseUnreachable, match="may or may not") as lost_call:
            await waymark.cancel(instance_id, "first")
        assert lost_call.value.call == "cancel" and lost_call.value.ambiguous
        assert isinstance(lost_call.value.__cause__, asyncpg.ConnectionDoesNotExistError)
        await waymark.cancel(instance_id, "second")
        with pytest.raises(WorkflowCancelled, match="first"):
            await waymark.get_result(instance_id)
    assert lost == [True]
    assert (await store.status(instance_id))["status"] == "cancelled"


# -- deadlines --------------------------------------------------------------------------------


async def test_a_local_deadline_ends_a_long_sleep_in_virtual_time() -> None:
    async with LocalRuntime():
        with pytest.raises(WorkflowTimeout, match="deadline"):
            await flows.SleepThenAdd().run(86_400.0, _timeout=timedelta(hours=1))
        assert await flows.SleepThenAdd().run(60.0, _timeout=3600) == 2
        with pytest.raises(WorkflowTimeout):
            await flows.Deadlined().run(7200.0)  # the class's default: one hour
        assert await flows.Deadlined().run(7200.0, _timeout=timedelta(hours=3)) == 2


async def test_a_child_keeps_its_class_deadline_on_local_runtime() -> None:
    async with LocalRuntime():
        assert await flows.HastyParent().run(7200.0) == "child ended: WorkflowTimeout"
        assert await flows.HastyParent().run(0.5) == "2"


async def test_a_parent_catches_the_cancellation_of_its_child_by_name() -> None:
    async with LocalRuntime() as runtime:
        parent = await flows.WaiterParent().run(_blocking=False)
        for _ in range(500):
            if children := (await runtime.admin().list(workflow="Waiter")).items:
                break
            await asyncio.sleep(0.01)
        await waymark.cancel(children[0].id, "not needed")
        assert await runtime.result(parent) == "child ended: not needed"


async def test_a_child_keeps_its_class_deadline_on_postgres(
    store: PostgresStore, database: str
) -> None:
    async with running(store, runner_settings(database)), waymark.connect(database):
        started = time.monotonic()
        assert await flows.HastyParent().run(30.0) == "child ended: WorkflowTimeout"
        assert time.monotonic() - started < 10
        admin = await waymark.admin()
        [child] = (await admin.list(workflow="Hasty")).items
        requeued = await admin.requeue(child.id)
        with pytest.raises(WorkflowTimeout):  # a requeued instance gets the default too
            await asyncio.wait_for(waymark.get_result(requeued.id), 10)


async def test_a_deadline_on_postgres_ends_a_held_and_a_released_instance(
    store: PostgresStore, database: str
) -> None:
    # Sleeps of 30 s are longer than the eviction threshold: the instance is released while
    # it sleeps, and must be claimed again at its deadline.
    settings = runner_settings(database, evict_sleep_threshold_ms=500)
    async with running(store, settings), waymark.connect(database):
        started = time.monotonic()
        released = await flows.SleepThenAdd().run(30.0, _blocking=False, _timeout=1.5)
        held = await flows.Slow().run(1, 30.0, _blocking=False, _timeout=1.0)
        for instance_id in (released, held):
            with pytest.raises(WorkflowTimeout):
                await asyncio.wait_for(waymark.get_result(instance_id), 15)
            status = await waymark.get_status(instance_id)
            assert status is not None and status.status == "failed"
        assert time.monotonic() - started < 10
        assert await flows.Single().run(5, _timeout=60) == 5


# -- helpers ----------------------------------------------------------------------------------


async def _until_status(instance_id: str, wanted: str) -> None:
    for _ in range(500):
        status = await waymark.get_status(instance_id)
        if status is not None and status.status == wanted:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"instance {instance_id} never became {wanted}")


async def _until_attempt_runs(store: PostgresStore, instance_id: str) -> None:
    for _ in range(500):
        if any(a["status"] == "running" for a in await store.attempts_of(instance_id)):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the attempt never started")


# -- fairness ---------------------------------------------------------------------------------

SEQUENCE = flows.Sequence.__waymark_definition__
assert SEQUENCE is not None


def of(definition: Any, priority: int = 0) -> NewInstance:
    return NewInstance(workflow=definition.name, version=definition.version,
                       wrl=definition.wrl, inputs={}, priority=priority)  # fmt: skip


async def test_claims_take_turns_between_workflows_at_equal_priority(any_store: Any) -> None:
    backlog = await any_store.create_instances([of(SINGLE) for _ in range(20)], 100.0)
    [late] = await any_store.create_instances([of(SEQUENCE)], 200.0)
    [urgent] = await any_store.create_instances([of(SINGLE, priority=5)], 300.0)
    claimed = [c.instance.instance_id for c in await any_store.claim("r", 3, 400.0, 30.0)]
    assert claimed[0] == urgent  # priority first
    assert set(claimed[1:]) == {backlog[0], late}  # then each workflow's oldest
    again = [c.instance.instance_id for c in await any_store.claim("r", 2, 400.0, 30.0)]
    assert again == backlog[1:3]  # the backlog goes on in its own order


async def test_a_backlog_of_100_000_does_not_starve_another_workflow(store: PostgresStore) -> None:
    for start in range(0, 100_000, 20_000):
        await store.create_instances([of(SINGLE) for _ in range(20_000)], 100.0 + start)
    [late] = await store.create_instances([of(SEQUENCE)], 1_000_000.0)
    claimed = [c.instance.instance_id for c in await store.claim("r", 10, 1_000_001.0, 30.0)]
    assert late in claimed and len(claimed) == 10
