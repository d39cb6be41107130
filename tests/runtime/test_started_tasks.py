"""Started tasks durably: a task's handle, its outcome and its stack are in the stored state,
so a runner that stops while a task is started and not yet joined resumes it, and an action
a task already ran is not run again; a task cancelled after a restart gets `CancelledError`
where it waits, so its `finally` block's action runs once."""

from __future__ import annotations

import asyncio
import json
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.runtime import started_flows as flows
from tests.runtime.support import runner_settings, running
from tests.runtime.test_gathered_helpers import until_waiting
from waymark_runtime.config import Settings
from waymark_runtime.store.postgres import PostgresStore

MODULE = "tests.runtime.started_flows"
_STATE = "SELECT state::text FROM waymark_instances WHERE id = $1"


async def settled_state(store: PostgresStore, instance_id: str, timeout: float = 30) -> Any:
    """The stored state once the started action's outcome is in it."""
    deadline = time.monotonic() + timeout
    while True:
        state = json.loads(await store.pool.fetchval(_STATE, instance_id))
        if any(entry["status"] == "ok" for entry in state.get("started", ())):
            return state
        assert time.monotonic() < deadline, "the started action never settled"
        await asyncio.sleep(0.02)


@pytest.fixture
def settings(database: str, worker_env: Path) -> Settings:
    """A runner of the started flows, run twice by each test: before and after a restart."""
    return runner_settings(database, user_modules=(MODULE,))


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """The file the flows' actions write a line to each time they run."""
    return tmp_path / "runs.txt"


async def test_a_started_task_survives_a_runner_restart(
    store: PostgresStore, database: str, settings: Settings, runs: Path
) -> None:
    async with waymark.connect(database):
        async with running(store, settings):
            instance_id = await flows.StartedAcrossRestart().run(str(runs), _blocking=False)
            await until_waiting(instance_id, ["go", "inner"])
            state = await settled_state(store, instance_id)
            assert state["wait"]["kind"] == "signal"
            assert [entry["status"] for entry in state["started"]] == ["ok", "pending"]
            assert state["started"][0]["value"] == "STARTED"
            assert [task["wait"]["kind"] for task in state["tasks"]] == ["signal"]
            await waymark.send_signal(instance_id, "go", 1)
            await until_waiting(instance_id, ["inner"])
            state = json.loads(await store.pool.fetchval(_STATE, instance_id))
            assert state["wait"] == {"kind": "join", "node": state["started"][1]["node"]}
        await waymark.send_signal(instance_id, "inner", 7)  # no runner: kept in the database
        async with running(store, settings):
            result = await asyncio.wait_for(waymark.get_result(instance_id), 30)
        assert result == ["STARTED", "INNER 7", 1]
        assert runs.read_text().splitlines() == ["started", "inner 7"]
        state = json.loads(await store.pool.fetchval(_STATE, instance_id))
        assert state["status"] == "completed" and "tasks" not in state and "started" not in state


async def across_a_restart(
    store: PostgresStore,
    database: str,
    start: Any,
    waiting: list[str],
    between: Any,
    after: Any = None,
) -> tuple[Any, Any]:
    """Start an instance (`start()` gives its id), wait until it waits on `waiting`, stop the
    runner, `between(instance_id)` while none runs, then run it (`after(instance_id)` once
    the runner is back) to its end: the state it held at the stop, and its result."""
    settings = runner_settings(database, user_modules=(MODULE,))
    async with waymark.connect(database):
        async with running(store, settings):
            instance_id = await start()
            await until_waiting(instance_id, waiting)
            state = json.loads(await store.pool.fetchval(_STATE, instance_id))
        await between(instance_id)
        async with running(store, settings):
            if after is not None:
                await after(instance_id)
            return state, await asyncio.wait_for(waymark.get_result(instance_id), 30)


async def _timeout_passes(instance_id: str) -> None:
    await asyncio.sleep(2.5)  # the timeout passes while no runner runs


async def test_a_gather_timeout_passes_across_a_runner_restart(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.txt"
    start = partial(flows.GatherDeadlineAcrossRestart().run, str(runs), 2.0, _blocking=False)
    state, result = await across_a_restart(store, database, start, ["never"], _timeout_passes)
    assert list(state["deadlines"].values()) == [state["wait"]["calls"][0]["node"]]
    assert result == ["timed out", "AFTER"]
    assert runs.read_text().splitlines() == ["gathered", "after"]


async def test_a_task_is_cancelled_after_a_runner_restart(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.txt"
    start = partial(flows.CancelAcrossRestart().run, str(runs), _blocking=False)

    async def go(instance_id: str) -> None:
        await waymark.send_signal(instance_id, "go", 3)  # no runner: kept in the database

    state, result = await across_a_restart(store, database, start, ["go", "never"], go)
    assert [entry["status"] for entry in state["started"]] == ["pending"]
    assert result == [True, True, 3, "AFTER"]
    assert runs.read_text().splitlines() == ["cleanup", "after"]


async def test_tasks_left_when_run_returns_end_across_a_runner_restart(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.txt"
    start = partial(flows.EndsWhileTaskWaits().run, str(runs), _blocking=False)

    async def cleanup(instance_id: str) -> None:
        await waymark.send_signal(instance_id, "cleanup", 1)  # no runner: kept in the database

    state, result = await across_a_restart(store, database, start, ["cleanup", "never"], cleanup)
    assert state["status"] == "running" and state["frames"] == []
    assert state["ending"] == {
        "status": "ok",
        "value": "MAIN",
        "tasks": [state["started"][0]["node"]],
    }
    assert result == "MAIN"
    assert runs.read_text().splitlines() == ["main", "cleanup"]


async def test_an_asyncio_wait_timeout_passes_across_a_runner_restart(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.txt"
    start = partial(flows.WaitAcrossRestart().run, str(runs), 2.0, _blocking=False)
    state, result = await across_a_restart(store, database, start, ["never"], _timeout_passes)
    assert state["wait"]["kind"] == "join" and state["wait"]["when"] == "ALL_COMPLETED"
    assert list(state["deadlines"]) == [state["wait"]["timer"]]
    assert result == [True, True, "AFTER"]
    assert runs.read_text().splitlines() == ["quick", "after"]


async def test_an_as_completed_deadline_passes_across_a_runner_restart(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.txt"
    start = partial(flows.AsCompletedDeadlineAcrossRestart().run, str(runs), 2.0, _blocking=False)
    state, result = await across_a_restart(store, database, start, ["never"], _timeout_passes)
    assert [where[0] for where in state["timers"].values()] == [""]  # the loop's, in run()
    assert result == ["QUICK", "timed out", False, "AFTER"]
    assert runs.read_text().splitlines() == ["quick", "after"]


async def test_as_completed_takes_tasks_in_the_order_they_end_across_a_restart(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.txt"
    start = partial(flows.AsCompletedAcrossRestart().run, str(runs), _blocking=False)

    async def second_first(instance_id: str) -> None:
        await waymark.send_signal(instance_id, "b", 2)  # no runner: kept in the database

    async def then_the_other(instance_id: str) -> None:
        await until_waiting(instance_id, ["a"])
        await waymark.send_signal(instance_id, "a", 1)

    state, result = await across_a_restart(
        store, database, start, ["a", "b"], second_first, then_the_other
    )
    assert state["wait"]["kind"] == "join" and state["wait"]["when"] == "NEXT"
    assert result == ["B 2", "A 1"]
    assert runs.read_text().splitlines() == ["b 2", "a 1"]


async def test_the_oracle_agrees(runs: Path) -> None:
    """The expected result is plain Python's."""

    async def wait_for_signal(name: str, kind: type, timeout: Any = None) -> int:
        await asyncio.sleep(0.01)
        return {"go": 1, "inner": 7}[name]

    instance = flows.StartedAcrossRestart()
    instance.wait_for_signal = wait_for_signal  # type: ignore[method-assign]
    assert await instance.run_inline(str(runs)) == ["STARTED", "INNER 7", 1]
    assert sorted(runs.read_text().splitlines()) == ["inner 7", "started"]
    timed = flows.GatherDeadlineAcrossRestart()
    timed.wait_for_signal = lambda *args, **kwargs: asyncio.sleep(60)  # type: ignore[method-assign]
    assert await timed.run_inline(str(runs), 0.1) == ["timed out", "AFTER"]


async def test_the_oracle_agrees_on_cancelling(tmp_path: Path) -> None:
    """The expected result of a cancel is plain Python's."""
    runs = tmp_path / "runs.txt"

    async def wait_for_signal(name: str, kind: type, timeout: Any = None) -> int:
        await asyncio.sleep(60 if name == "never" else 0.01)
        return 3

    instance = flows.CancelAcrossRestart()
    instance.wait_for_signal = wait_for_signal  # type: ignore[method-assign]
    assert await instance.run_inline(str(runs)) == [True, True, 3, "AFTER"]
    assert runs.read_text().splitlines() == ["cleanup", "after"]
    waited = flows.WaitAcrossRestart()
    waited.wait_for_signal = wait_for_signal  # type: ignore[method-assign]
    assert await waited.run_inline(str(runs), 0.1) == [True, True, "AFTER"]

    async def signalled(name: str, kind: type, timeout: Any = None) -> int:
        await asyncio.sleep(0.2 if name == "a" else 0.1)
        return {"a": 1, "b": 2}[name]

    completing = flows.AsCompletedAcrossRestart()
    completing.wait_for_signal = signalled  # type: ignore[method-assign]
    assert await completing.run_inline(str(runs)) == ["B 2", "A 1"]
