"""Gathered async helpers (tasks) durably: each task's stack and wait are in the stored state,
and a runner that stops mid-gather resumes every task where it waited."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import waymark
from tests.runtime import signal_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.postgres import PostgresStore

MODULE = "tests.runtime.signal_flows"
_STATE = "SELECT state::text FROM waymark_instances WHERE id = $1"
EXPECTED = [["announced a", 1, "announced a1"], ["announced b", 2, "announced b2"], ["a", "b"]]


async def pending_waits(instance_id: str) -> list[str]:
    detail = await (await waymark.admin()).show(instance_id)
    return sorted(s.name for s in detail.signals if s.kind == "wait" and s.pending)


async def until_waiting(instance_id: str, names: list[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while await pending_waits(instance_id) != names:
        assert time.monotonic() < deadline, f"never waited for exactly {names}"
        await asyncio.sleep(0.02)


async def test_gathered_helpers_resume_after_a_runner_restart(
    store: PostgresStore, database: str, worker_env: Path
) -> None:
    settings = runner_settings(database, user_modules=(MODULE,))
    async with waymark.connect(database):
        async with running(store, settings):
            instance_id = await flows.GatheredWaits().run(_blocking=False)
            await until_waiting(instance_id, ["a", "b"])
            state: dict[str, Any] = json.loads(await store.pool.fetchval(_STATE, instance_id))
            assert [task["wait"]["kind"] for task in state["tasks"]] == ["signal", "signal"]
            assert [call["target"] for call in state["wait"]["calls"]] == ["self.side"] * 2
            await waymark.send_signal(instance_id, "a", 1)
            await until_waiting(instance_id, ["b"])
        await waymark.send_signal(instance_id, "b", 2)  # no runner: kept in the database
        async with running(store, settings):
            assert await asyncio.wait_for(waymark.get_result(instance_id), 30) == EXPECTED
        state = json.loads(await store.pool.fetchval(_STATE, instance_id))
        assert state["status"] == "completed" and "tasks" not in state


async def test_gathered_helpers_wait_for_their_own_signals_on_local_runtime() -> None:
    async with LocalRuntime(virtual_time=False):
        instance_id = await flows.GatheredWaits().run(_blocking=False)
        await until_waiting(instance_id, ["a", "b"])
        await waymark.send_signal(instance_id, "b", 2)
        await until_waiting(instance_id, ["a"])
        await waymark.send_signal(instance_id, "a", 1)
        assert await waymark.get_result(instance_id) == EXPECTED


async def test_the_oracle_agrees() -> None:
    """The expected result is plain Python's, signals sent in either order."""

    async def wait_for_signal(name: str, kind: type, timeout: Any = None) -> int:
        await asyncio.sleep(0.01 if name == "a" else 0.02)
        return {"a": 1, "b": 2}[name]

    instance = flows.GatheredWaits()
    instance.wait_for_signal = wait_for_signal  # type: ignore[method-assign]
    assert await instance.run_inline() == EXPECTED
