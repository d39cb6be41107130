"""`async with asyncio.TaskGroup()` durably: the group (its tasks, those that failed, how far it
went in cancelling) is in the stored state, so a runner that stops while the block waits for
its tasks resumes it, and the actions run before the stop are not run again."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import waymark
from tests.runtime import task_group_flows as flows
from tests.runtime.support import runner_settings, running
from tests.runtime.test_gathered_helpers import until_waiting
from waymark_runtime.store.postgres import PostgresStore

MODULE = "tests.runtime.task_group_flows"
_STATE = "SELECT state::text FROM waymark_instances WHERE id = $1"
_FAILED = [
    "unhandled errors in a TaskGroup (1 sub-exception)",
    ["ValueError('failed with 7')"],
    "AFTER",
]


@pytest.mark.parametrize(
    ("fail", "expected"), [(False, ["FIRST", 7, "BODY"]), (True, _FAILED)], ids=["ok", "failing"]
)
async def test_a_task_group_waits_across_a_runner_restart(
    store: PostgresStore,
    database: str,
    worker_env: Path,
    tmp_path: Path,
    fail: bool,
    expected: list[object],
) -> None:
    runs = tmp_path / "runs.txt"
    settings = runner_settings(database, user_modules=(MODULE,))
    waits = ["go", "never"] if fail else ["go"]
    async with waymark.connect(database):
        async with running(store, settings):
            instance_id = await flows.TaskGroupAcrossRestart().run(str(runs), fail, _blocking=False)
            await until_waiting(instance_id, waits)
            state = await _left(store, instance_id)
            [group] = state["groups"]
            assert group["task"] == "" and len(group["members"]) == len(waits) + 1
            assert state["wait"] == {"kind": "group", "node": group["node"]}
        await waymark.send_signal(instance_id, "go", 7)  # no runner: kept in the database
        async with running(store, settings):
            result = await asyncio.wait_for(waymark.get_result(instance_id), 30)
        assert result == expected
        after = ["after"] if fail else []
        assert sorted(runs.read_text().splitlines()) == sorted(["first", "body", *after])
        state = json.loads(await store.pool.fetchval(_STATE, instance_id))
        assert state["status"] == "completed" and "groups" not in state


async def _left(store: PostgresStore, instance_id: str) -> dict[str, object]:
    """The stored state once the block's body has ended and it waits to leave the group."""
    for _ in range(1500):
        state = json.loads(await store.pool.fetchval(_STATE, instance_id))
        if (state.get("wait") or {}).get("kind") == "group":
            return state
        await asyncio.sleep(0.02)
    raise AssertionError("the block never waited to leave its group")


@pytest.mark.parametrize(("fail", "expected"), [(False, ["FIRST", 7, "BODY"]), (True, _FAILED)])
async def test_the_oracle_agrees(tmp_path: Path, fail: bool, expected: list[object]) -> None:
    """The expected results are plain Python's (the signal given at once)."""
    runs = tmp_path / "runs.txt"
    flow = flows.TaskGroupAcrossRestart()

    async def signal(name: str, kind: type) -> int:
        if name == "never":
            await asyncio.sleep(60)
        return 7

    flow.wait_for_signal = signal  # type: ignore[method-assign,assignment]
    assert await flow.run_inline(str(runs), fail) == expected


async def test_a_group_of_an_abandoned_helper_cancels_its_tasks(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    """Once `wait_for` gives up on the helper that owns a group, the group's task is cancelled
    where it sleeps: its action never runs and the group is no longer in the stored state."""
    runs = tmp_path / "runs.txt"
    settings = runner_settings(database, user_modules=(MODULE,))
    async with waymark.connect(database), running(store, settings):
        instance_id = await flows.TaskGroupOwnerAbandoned().run(str(runs), _blocking=False)
        for _ in range(1500):
            state = json.loads(await store.pool.fetchval(_STATE, instance_id) or "{}")
            if (state.get("wait") or {}).get("kind") == "sleep":
                break
            await asyncio.sleep(0.02)
        assert state["wait"]["kind"] == "sleep" and "groups" not in state
        result = await asyncio.wait_for(waymark.get_result(instance_id), 30)
    assert result == ["timed out", "AFTER"]
    assert runs.read_text().splitlines() == ["after"]


async def test_the_oracle_agrees_on_an_abandoned_group(tmp_path: Path) -> None:
    runs = tmp_path / "runs.txt"
    assert await flows.TaskGroupOwnerAbandoned().run_inline(str(runs)) == ["timed out", "AFTER"]
    assert runs.read_text().splitlines() == ["after"]
