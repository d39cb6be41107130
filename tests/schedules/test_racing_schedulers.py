"""Two scheduler processes racing on one database: every due schedule fires exactly once, and
a schedule whose previous run is unfinished fires in neither (the overlap decision is made in
PostgreSQL, under the row lock)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from tests.runtime import runtime_flows as flows
from tests.runtime.support import ROOT
from tests.schedules.support import PinnedClock, finish, instances, utc
from waymark_runtime.schedules import Schedules
from waymark_runtime.schedules.scheduler import fire_due
from waymark_runtime.store.postgres import PostgresStore

T0 = utc(2024, 3, 9, 12, 7, 30)
COUNT = 160


async def test_two_scheduler_processes_fire_each_due_schedule_once(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock, tmp_path: Path
) -> None:
    for index in range(COUNT):
        await schedules.register(
            flows.Single,
            f"s{index:03}",
            timedelta(minutes=10),
            inputs={"value": index},
            allow_duplicate=index % 4 == 0,
        )
    clock.set(T0 + 600)
    first = {fire.due.name: fire.instance_id for fire in await fire_due(store, limit=COUNT)}
    assert len(first) == COUNT
    # Odd schedules keep their first run unfinished: those without allow_duplicate must wait.
    for name, instance_id in first.items():
        if int(name[1:]) % 2 == 0:
            await finish(store, instance_id, clock.now)
    expected = sorted(n for n in first if int(n[1:]) % 2 == 0 or int(n[1:]) % 4 == 0)

    outputs = [tmp_path / "a.json", tmp_path / "b.json"]
    processes = [_scheduler(store.dsn, T0 + 1_200, out) for out in outputs]
    deadline = time.monotonic() + 30
    while not all(out.with_suffix(".ready").exists() for out in outputs):
        assert time.monotonic() < deadline, "a scheduler process never connected"
        assert all(process.poll() is None for process in processes)
        time.sleep(0.01)
    (tmp_path / "go").touch()  # both connected: they start together
    for process in processes:
        assert process.wait(timeout=20) == 0
    fired = [json.loads(out.read_text()) for out in outputs]

    assert sorted(fired[0] + fired[1]) == expected  # each once, no more, no fewer
    assert all(fired), f"one process fired everything: {[len(f) for f in fired]}"
    assert len(await instances(store)) == COUNT + len(expected)


def _scheduler(dsn: str, now: float, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tests.schedules.race_scheduler", dsn]
    return subprocess.Popen([*command, str(now), str(out)], cwd=ROOT)
