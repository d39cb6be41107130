"""The scheduler inside real `start-workers` processes, killed and started again between fires:
fires missed while no process runs happen once after the restart (not once per missed slot),
fires made before the restart are not repeated, and the cadence keeps its phase.

Registration uses the pinned clock to place the first slot a few seconds ahead of the wall clock;
the `start-workers` processes read the real clock, as in production. Each instance id is derived
from its slot, so the test can tell which slot every instance belongs to.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from tests.runtime import runtime_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process
from tests.schedules.support import PinnedClock, instances, schedule_row
from waymark_runtime.schedules import Schedules
from waymark_runtime.schedules.scheduler import instance_id_for
from waymark_runtime.store.postgres import PostgresStore

INTERVAL = 2.0


@contextlib.contextmanager
def start_workers(database: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `start-workers` process (its own process group, killed at the end if still alive)."""
    env = start_workers_env(database, WAYMARK_SCHEDULER_POLL_INTERVAL_MS="100")
    with start_workers_process(env, log) as process:
        yield process


async def recorded(store: PostgresStore) -> None:
    """Wait until a fire is recorded on the schedule (its transaction committed)."""
    deadline = time.monotonic() + 12
    while (await schedule_row(store, "tick"))["last_instance_id"] is None:
        assert time.monotonic() < deadline, "the schedule never fired"
        await asyncio.sleep(0.05)


async def created(store: PostgresStore, after: float, count: int) -> None:
    """Wait until `count` instances were created after `after` (epoch seconds)."""
    deadline = time.monotonic() + 12
    while sum(i["created"] > after for i in await instances(store)) < count:
        assert time.monotonic() < deadline, f"instances: {await instances(store)}"
        await asyncio.sleep(0.05)


async def test_fires_missed_while_start_workers_is_down_happen_once_after_the_restart(
    database: str, store: PostgresStore, clock: PinnedClock, tmp_path: Path
) -> None:
    first_slot = math.ceil(time.time()) + 2.5
    clock.set(first_slot - INTERVAL)
    schedule_id = await Schedules(store).register(
        flows.Single,
        "tick",
        timedelta(seconds=INTERVAL),
        inputs={"value": 5},
        allow_duplicate=True,  # fires depend on the clock alone, not on runs finishing
    )
    slot_of = {instance_id_for(schedule_id, first_slot + k * INTERVAL): k for k in range(200)}
    log = tmp_path / "start-workers.log"

    with start_workers(database, log):
        await recorded(store)
    # leaving the block killed the process group (SIGKILL): start-workers is down
    down_at = time.time()
    before = [slot_of[i["id"]] for i in await instances(store)]
    pending = first_slot + len(before) * INTERVAL
    await asyncio.sleep(pending + 2 * INTERVAL + 0.2 - time.time())  # 3 slots pass while down

    with start_workers(database, log):
        await created(store, down_at, 2)  # the catch-up, then one on the cadence

    after = [i for i in await instances(store) if i["created"] > down_at]
    slots = [slot_of[i["id"]] for i in after]  # every instance belongs to a slot
    assert before == list(range(len(before)))  # the first process fired each slot in turn
    catch_up, caught_up_at = slots[0], after[0]["created"]
    assert catch_up == len(before)  # the pending slot, fired once...
    missed = [k for k in range(catch_up + 1, 200) if first_slot + k * INTERVAL <= caught_up_at]
    assert len(missed) >= 2
    assert not set(missed) & set(slots)  # ...and no flood of the slots missed since
    assert slots[1:] == sorted(set(slots[1:]))
    assert all(first_slot + k * INTERVAL > caught_up_at for k in slots[1:])  # cadence resumed
    row = await schedule_row(store, "tick")
    assert (row["next_slot"] - first_slot) % INTERVAL == 0  # phase kept across the restart
