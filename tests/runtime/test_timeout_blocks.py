"""`async with asyncio.timeout(...)` durably: the timer and where its token lives are in the
stored state, so a timer that passes while no runner runs still cancels the block's wait once
a runner resumes the instance, and the action run before it is not run again."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import waymark
from tests.runtime import timeout_block_flows as flows
from tests.runtime.support import runner_settings, running
from tests.runtime.test_gathered_helpers import until_waiting
from waymark_runtime.store.postgres import PostgresStore

MODULE = "tests.runtime.timeout_block_flows"
_STATE = "SELECT state::text FROM waymark_instances WHERE id = $1"


async def test_a_timeout_block_passes_across_a_runner_restart(
    store: PostgresStore, database: str, worker_env: Path, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.txt"
    settings = runner_settings(database, user_modules=(MODULE,))
    async with waymark.connect(database):
        async with running(store, settings):
            flow = flows.TimeoutBlockAcrossRestart()
            instance_id = await flow.run(str(runs), 2.0, _blocking=False)
            await until_waiting(instance_id, ["never"])
            state = json.loads(await store.pool.fetchval(_STATE, instance_id))
            [(node, (task, depth, token))] = state["timers"].items()
            assert (task, depth) == ("", 0)  # run()'s frame, on the main stack, holds it
            assert state["frames"][0]["env"][token] == node
            assert state["wait"]["kind"] == "signal"
        await asyncio.sleep(2.5)  # the timer passes while no runner runs
        async with running(store, settings):
            result = await asyncio.wait_for(waymark.get_result(instance_id), 30)
        assert result == ["timed out", "CancelledError", "AFTER"]
        assert runs.read_text().splitlines() == ["inside", "after"]
        state = json.loads(await store.pool.fetchval(_STATE, instance_id))
        assert state["status"] == "completed" and "timers" not in state


async def test_the_oracle_agrees(tmp_path: Path) -> None:
    """The expected result is plain Python's."""
    runs = tmp_path / "runs.txt"
    timed = flows.TimeoutBlockAcrossRestart()
    timed.wait_for_signal = lambda *args, **kwargs: asyncio.sleep(60)  # type: ignore[method-assign]
    assert await timed.run_inline(str(runs), 0.1) == ["timed out", "CancelledError", "AFTER"]
    assert runs.read_text().splitlines() == ["inside", "after"]
