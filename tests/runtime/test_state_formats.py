"""A state stored in PostgreSQL in format 1 (before the state was declared) resumes: the runner
decodes what the store holds, whatever format wrote it, and writes the current one back."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.usefixtures("worker_env")

_STATE = "SELECT state::text FROM waymark_instances WHERE id = $1"


def as_format_1(document: dict[str, Any]) -> dict[str, Any]:
    """The same state as the format-1 code wrote it (`v`, `next`, `fn`, `actions`/`nodes`)."""
    wait = document["wait"]
    if wait is not None and wait["kind"] == "calls":
        nodes = [{("action" if k == "target" else k): v for k, v in call.items()
                  if k != "value" or call["status"] != "pending"} for call in wait["calls"]]  # fmt: skip
        wait = {"kind": "actions", "nodes": nodes, "pending": wait["pending"]}
    frames = [{"fn": f["function"], "pc": f["pc"], "env": f["env"], "slots": f["slots"]}
              for f in document["frames"]]  # fmt: skip
    return {"v": 1, "status": document["status"], "next": document["next_node"],
            "frames": frames, "wait": wait}  # fmt: skip


async def _stored(store: PostgresStore, instance_id: str, timeout: float = 20) -> dict[str, Any]:
    """The instance's state once it waits for its sleep (its timer row exists)."""
    deadline = time.monotonic() + timeout
    while not await store.pool.fetchval("SELECT count(*) FROM waymark_timers"):
        assert time.monotonic() < deadline, "the instance never started its sleep"
        await asyncio.sleep(0.05)
    document: dict[str, Any] = json.loads(await store.pool.fetchval(_STATE, instance_id))
    return document


async def test_a_state_stored_in_format_1_resumes_and_is_stored_again_in_the_current_one(
    store: PostgresStore, database: str
) -> None:
    settings = runner_settings(database, evict_sleep_threshold_ms=0)
    async with running(store, settings), waymark.connect(database) as client:
        sleeper = await flows.SleepThenAdd().run(2.0, _blocking=False)
        current = await _stored(store, sleeper)
        assert current["version"] == 2 and current["wait"]["kind"] == "sleep"  # nothing shared
        old = as_format_1(current)
        await store.pool.execute(
            "UPDATE waymark_instances SET state = $2::text::json WHERE id = $1",
            sleeper, json.dumps(old),
        )  # fmt: skip
        assert await client.get_result(sleeper, timeout=30) == 2
    final = json.loads(await store.pool.fetchval(_STATE, sleeper))
    assert final["version"] == 2 and final["status"] == "completed"
