"""A scheduler frozen (SIGSTOP) in the middle of a tick, holding the row locks of the schedules
it found due: another scheduler fires them on time (its tick's transaction is ended by the
server within `SHORT_IDLE_MS`), and when the frozen one is continued it fires nothing twice."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from tests.runtime import runtime_flows as flows
from tests.runtime.support import ROOT
from tests.runtime.support import frozen as wait_frozen
from tests.schedules.support import PinnedClock, instances, schedule_row, utc
from waymark_runtime.schedules import Schedules
from waymark_runtime.schedules.scheduler import fire_due, instance_id_for
from waymark_runtime.store.postgres import SHORT_IDLE_MS, PostgresStore

T0 = utc(2024, 3, 9, 12, 7, 30)


async def test_a_scheduler_frozen_mid_tick_does_not_hold_its_schedules_back(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock, tmp_path: Path
) -> None:
    ids = {name: await schedules.register(flows.Single, name, timedelta(minutes=10),
                                          inputs={"value": 1})
           for name in ("a", "b")}  # fmt: skip
    due = T0 + 600
    out = tmp_path / "frozen.json"
    command = [sys.executable, "-m", "tests.schedules.paused_scheduler", store.dsn, str(due)]
    frozen = subprocess.Popen([*command, str(out)], cwd=ROOT)
    try:
        await wait_frozen(frozen)
        started = time.monotonic()
        fired: list[str] = []
        while len(fired) < 2:
            assert time.monotonic() - started < SHORT_IDLE_MS / 1000 + 3, (
                "the frozen scheduler's locks held the due schedules back"
            )
            fired += [fire.due.name for fire in await fire_due(store, now=due)]
            await asyncio.sleep(0.1)
        assert sorted(fired) == ["a", "b"]
    finally:
        frozen.send_signal(signal.SIGCONT)
        assert frozen.wait(20) == 0
    report = json.loads(out.read_text())
    assert report["transient"], report  # its session was ended: a passing outage, retried
    created = await instances(store)
    assert sorted(row["id"] for row in created) == sorted(
        instance_id_for(schedule_id, due) for schedule_id in ids.values()
    )
    for name in ids:
        assert (await schedule_row(store, name))["next_run"] == due + 600
    assert await fire_due(store, now=due) == []
