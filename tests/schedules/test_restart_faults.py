"""A restart of everything: PostgreSQL stopped while `start-workers` runs a schedule and a
durable sleep, `start-workers` SIGKILLed meanwhile, both started again. The schedule fires
each slot at most once (the one pending across the outage once, late), keeps its phase, and the
sleep ends no sooner than it should, with the result of its body in plain Python."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process
from tests.runtime.test_fencing import own_server, restart
from tests.schedules.support import PinnedClock, instances, schedule_row
from waymark_runtime.schedules import Schedules
from waymark_runtime.schedules.scheduler import instance_id_for
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
INTERVAL = 2.0


async def _fired(store: PostgresStore, count: int) -> None:
    deadline = time.monotonic() + 15
    while len([i for i in await instances(store) if i["workflow_name"] == "Single"]) < count:
        assert time.monotonic() < deadline, f"fires: {await instances(store)}"
        await asyncio.sleep(0.05)


async def test_a_schedule_and_a_sleep_across_a_restart_of_everything(
    clock: PinnedClock, tmp_path: Path
) -> None:
    async with own_server("restart") as (server, database):
        store = await PostgresStore.open(database, run_migrations=False)
        try:
            first_slot = math.ceil(time.time()) + 1.5
            clock.set(first_slot - INTERVAL)
            schedule_id = await Schedules(store).register(
                flows.Single, "tick", timedelta(seconds=INTERVAL), inputs={"value": 5},
                allow_duplicate=True,
            )  # fmt: skip
            slot_of = {instance_id_for(schedule_id, first_slot + k * INTERVAL): k
                       for k in range(100)}  # fmt: skip
            started = time.time()
            async with waymark.connect(database):
                sleeper = await flows.SleepThenAdd().run(6.0, _blocking=False)
            env = start_workers_env(database, WAYMARK_SCHEDULER_POLL_INTERVAL_MS="100")
            with start_workers_process(env, tmp_path / "first.log") as first:
                await _fired(store, 1)
                await restart(server, down_for=INTERVAL + 0.5)  # a slot passes while down
                await _fired(store, 2)  # the runner rode the outage out
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
            await restart(server, down_for=0.5)
            with start_workers_process(env, tmp_path / "second.log"):
                async with waymark.connect(database) as client:
                    assert await client.get_result(sleeper, timeout=30) == 2
                assert time.time() - started >= 6.0
                await _fired(store, 4)
            fires = [i for i in await instances(store) if i["workflow_name"] == "Single"]
            slots = [slot_of[i["id"]] for i in fires]
            assert len(slots) == len(set(slots))  # no slot fired twice
            assert slots == sorted(slots) and slots[0] == 0
            row = await schedule_row(store, "tick")
            assert (row["next_slot"] - first_slot) % INTERVAL == 0  # phase kept
        finally:
            await store.close()
    logs = [(tmp_path / name).read_text(errors="replace") for name in ("first.log", "second.log")]
    assert not [text for text in logs if "Traceback" in text]  # outages are expected
