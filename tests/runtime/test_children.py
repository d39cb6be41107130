"""Child workflows end exactly as their bodies do as plain Python (the oracle), on
`LocalRuntime` and on PostgreSQL with a real `start-workers` process; cancelling a parent
cancels its blocking children, not its detached ones; the depth limit fails the call."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

import waymark
from tests.parity.harness import shape
from tests.runtime import child_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process
from waymark.testing import LocalRuntime
from waymark_runtime.admin import Admin
from waymark_runtime.errors import ChildWorkflowError, InstanceCancelled
from waymark_runtime.store.contract import InstanceQuery
from waymark_runtime.store.postgres import PostgresStore

CASES: list[tuple[type[Any], dict[str, Any]]] = [
    (flows.Factorial, {"n": 50}),
    (flows.FanOut, {"ns": [1, 2, 3, 4, 5, 6]}),
    (flows.CatchChild, {"n": 3}),
    (flows.CatchChild, {"n": 4}),
    (flows.Mixed, {"n": 4}),
    (flows.IsEven, {"n": 9}),
    (flows.IsOdd, {"n": 6}),
    (flows.Detach, {"n": 4}),
    (flows.Fib, {"n": 6}),
    (flows.Labels, {"n": 3}),
]
IDS = [f"{cls.__name__}-{i}" for i, (cls, _) in enumerate(CASES)]
MODULE = "tests.runtime.child_flows"


async def _outcome(call: Any) -> tuple[Any, ...]:
    try:
        value = await call
    except Exception as error:
        return ("raised", type(error).__qualname__, str(error))
    return ("returned", shape(value))


@pytest.mark.parametrize(("cls", "inputs"), CASES, ids=IDS)
async def test_children_on_local_runtime(cls: type[Any], inputs: dict[str, Any]) -> None:
    expected = await _outcome(cls().run_inline(**inputs))
    async with LocalRuntime():
        assert await _outcome(cls().run(**inputs)) == expected


async def test_local_children_are_linked_to_their_parent() -> None:
    async with LocalRuntime() as runtime:
        parent = await flows.Factorial().run(n=3, _blocking=False)
        assert await runtime.result(parent) == 6
        admin = runtime.admin()
        [child] = (await admin.list(parent=parent)).items
        shown = await admin.show(child.id)
        assert shown.parent_id == parent and [c.id for c in shown.children] != []
        [grandchild] = (await admin.list(parent=child.id)).items
        assert grandchild.workflow == "Factorial" and grandchild.status == "completed"


async def test_local_depth_limit_fails_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYMARK_MAX_CHILD_DEPTH", "5")
    async with LocalRuntime():
        with pytest.raises(ChildWorkflowError, match="WAYMARK_MAX_CHILD_DEPTH=5"):
            await flows.Forever().run(n=0)


async def test_local_cancel_cascades_to_blocking_children_only() -> None:
    async with LocalRuntime() as runtime:
        parent = await flows.ParentOfParks().run(seconds=3600.0, _blocking=False)
        detached = await flows.Detach().run(n=3, _blocking=False)
        assert await runtime.result(detached) == 36
        await _until_children(runtime.store, parent, 2)
        await runtime.admin().cancel(parent)
        with pytest.raises(InstanceCancelled):
            await runtime.result(parent)
        children = (await runtime.admin().list(parent=parent)).items
        assert [c.status for c in children] == ["cancelled", "cancelled"]
        [loose] = (await runtime.admin().list(parent=detached)).items
        assert await runtime.result(loose.id) == 6  # the detached child lived on


async def _until_children(store: Any, parent: str, count: int) -> None:
    for _ in range(500):
        if len(await store.list_instances(InstanceQuery(parent=parent))) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the children did not start")


# --- PostgreSQL, real workers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def workers(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = start_workers_env(database, WAYMARK_USER_MODULE=MODULE, WAYMARK_MAX_CHILD_DEPTH="60")
    log = tmp_path_factory.mktemp("children") / "start-workers.log"
    with start_workers_process(env, log):
        yield database


@pytest.mark.parametrize(("cls", "inputs"), CASES, ids=IDS)
async def test_children_on_postgres(workers: str, cls: type[Any], inputs: dict[str, Any]) -> None:
    expected = await _outcome(cls().run_inline(**inputs))
    async with waymark.connect(workers) as client:
        actual = await _outcome(asyncio.wait_for(cls().run(**inputs), 60))
        assert client is not None
    assert actual == expected


async def test_postgres_depth_limit_fails_the_call(workers: str) -> None:
    async with waymark.connect(workers):
        with pytest.raises(ChildWorkflowError, match="WAYMARK_MAX_CHILD_DEPTH=60"):
            await asyncio.wait_for(flows.Forever().run(n=0), 60)


async def test_postgres_cancel_cascades(workers: str) -> None:
    async with waymark.connect(workers) as client:
        parent = await flows.ParentOfParks().run(seconds=3600.0, _blocking=False)
        store = await client.store()
        await _until_children(store, parent, 2)
        await Admin(store).cancel(parent)
        with pytest.raises(InstanceCancelled):
            await client.get_result(parent, 10)
        children = (await Admin(store).list(parent=parent)).items
        assert [c.status for c in children] == ["cancelled", "cancelled"]
        assert isinstance(store, PostgresStore)


async def test_a_parent_that_fails_cancels_its_running_children() -> None:
    async with LocalRuntime() as runtime:
        parent = await flows.FailFast().run(seconds=3600.0, _blocking=False)
        with pytest.raises(flows.OddInput):
            await runtime.result(parent)
        children = (await runtime.admin().list(parent=parent)).items
        statuses = sorted((c.workflow, c.status) for c in children)
        assert statuses == [("EvenOnly", "failed"), ("Parks", "cancelled")]


async def test_local_children_limit_fails_the_calls_past_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WAYMARK_MAX_CHILDREN", "2")
    async with LocalRuntime():
        results = await flows.FanOut().run(ns=[2, 4, 6])
    assert results[:2] == [4, 8]
    assert "WAYMARK_MAX_CHILDREN=2" in str(results[2]) and results[3] == 200


async def test_postgres_parent_that_fails_cancels_its_running_children(workers: str) -> None:
    async with waymark.connect(workers) as client:
        parent = await flows.FailFast().run(seconds=3600.0, _blocking=False)
        with pytest.raises(flows.OddInput):
            await client.get_result(parent, 30)
        children = (await Admin(await client.store()).list(parent=parent)).items
        statuses = sorted((c.workflow, c.status) for c in children)
        assert statuses == [("EvenOnly", "failed"), ("Parks", "cancelled")]
