"""A schedule fires each due time exactly once while several `start-workers` processes run
it and die in turn (SIGKILL, at whatever moment of their ticks): no slot is fired twice, none
is skipped while a runner is up, and each fired run completes once. The `start-workers`
processes read the real clock; each instance id is derived from its slot."""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.runtime import runtime_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process
from tests.schedules.support import PinnedClock, instances
from waymark_runtime.schedules import Schedules
from waymark_runtime.schedules.scheduler import instance_id_for
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
INTERVAL = 1.0


async def _until(store: PostgresStore, what: str, count: int, *, completed: bool = False) -> None:
    deadline = time.monotonic() + 12
    while True:
        fires = await instances(store, "Single")
        if sum(not completed or i["status"] == "completed" for i in fires) >= count:
            return
        assert time.monotonic() < deadline, f"{what}: {fires}"
        await asyncio.sleep(0.05)


async def _ready(*logs: Path) -> None:
    deadline = time.monotonic() + 15
    while not all(" ready" in log.read_text(errors="replace") for log in logs):
        assert time.monotonic() < deadline, "start-workers never got ready"
        await asyncio.sleep(0.05)


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # its workers with it
    process.wait()


async def test_runners_killed_in_turn_fire_each_slot_exactly_once(
    database: str, store: PostgresStore, clock: PinnedClock, tmp_path: Path
) -> None:
    env = start_workers_env(database, WAYMARK_SCHEDULER_POLL_INTERVAL_MS="50")
    with start_workers_process(env, tmp_path / "a.log") as first, \
         start_workers_process(env, tmp_path / "b.log") as second:  # fmt: skip
        await _ready(tmp_path / "a.log", tmp_path / "b.log")
        first_slot = math.ceil(time.time()) + 1.5  # both up: no slot is due before they are
        clock.set(first_slot - INTERVAL)
        schedule_id = await Schedules(store).register(
            flows.Single, "tick", timedelta(seconds=INTERVAL), inputs={"value": 5},
            allow_duplicate=True,  # fires depend on the clock alone, not on runs finishing
        )  # fmt: skip
        await _until(store, "the first fires", 2)
        _kill(first)
        await _until(store, "fires by the second runner alone", 4)
        with start_workers_process(env, tmp_path / "c.log"):
            await _ready(tmp_path / "c.log")
            await _until(store, "fires by two runners again", 5)
            _kill(second)
            await _until(store, "fires by the third runner alone", 7)
            stopped = time.time()
            await _until(store, "the runs", 7, completed=True)
    slot_of = {instance_id_for(schedule_id, first_slot + k * INTERVAL): k for k in range(100)}
    fires = await instances(store, "Single")
    slots = sorted(slot_of[i["id"]] for i in fires)  # every instance belongs to a slot
    assert slots == list(range(len(slots)))  # each once, none skipped
    due = [k for k in range(100) if first_slot + k * INTERVAL <= stopped - 0.5]
    assert set(due) <= set(slots)
