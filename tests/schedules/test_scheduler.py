"""The scheduler on PostgreSQL with a pinned clock: when schedules fire, what they queue, how
missed fires, pauses and unfinished runs are handled, and schedulers racing on one database."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import waymark
from tests.runtime import flow_flows
from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings, running
from tests.schedules.support import PinnedClock, finish, instances, schedule_row, utc
from waymark_runtime.engine import NewInstance
from waymark_runtime.schedules import Schedules, scheduler
from waymark_runtime.schedules.rows import ScheduleRows
from waymark_runtime.schedules.scheduler import (
    fire_due,
    instance_id_for,
    run_scheduler,
)
from waymark_runtime.store.postgres import SHORT_IDLE_MS, PostgresStore
from waymark_runtime.wrl import version_of_canonical

T0 = utc(2024, 3, 9, 12, 7, 30)


async def test_a_cron_schedule_fires_at_its_utc_time_and_queues_an_instance(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    schedule_id = await schedules.register(
        flows.Single, "quarterly", "*/15 * * * *", inputs={"value": 4}, priority=3
    )
    clock.set(utc(2024, 3, 9, 12, 14, 59))
    assert await fire_due(store) == []
    clock.set(utc(2024, 3, 9, 12, 15))
    [fire] = await fire_due(store)
    [instance] = await instances(store)
    assert instance["id"] == fire.instance_id == instance_id_for(schedule_id, clock.now)
    assert (instance["workflow_name"], instance["inputs"], instance["priority"]) == (
        "Single",
        {"value": 4},
        3,
    )
    assert (instance["status"], instance["created"]) == ("queued", clock.now)
    row = await schedule_row(store, "quarterly")
    assert row["next_run"] == utc(2024, 3, 9, 12, 30)
    assert (row["last_run"], str(row["last_instance_id"])) == (clock.now, fire.instance_id)


async def test_an_interval_fired_late_keeps_its_phase(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}, allow_duplicate=True
    )
    clock.set(T0 + 600 + 40)  # the scheduler was 40 s late
    assert len(await fire_due(store)) == 1
    assert (await schedule_row(store, "tick"))["next_run"] == T0 + 1_200


async def test_far_behind_fires_once_then_skips_to_the_next_future_slot(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}, allow_duplicate=True
    )
    clock.set(T0 + 600 + 3 * 600 + 5)  # four slots passed while nothing ran
    assert len(await fire_due(store)) == 1
    assert await fire_due(store) == []
    assert len(await instances(store)) == 1
    assert (await schedule_row(store, "tick"))["next_run"] == T0 + 600 + 4 * 600


async def test_jittered_fires_stay_within_bounds_without_drifting_the_cadence(
    store: PostgresStore, clock: PinnedClock
) -> None:
    schedules = Schedules(store, random.Random(11))
    await schedules.register(
        flows.Single,
        "tick",
        timedelta(minutes=1),
        inputs={"value": 1},
        jitter=timedelta(seconds=20),
        allow_duplicate=True,
    )
    rng = random.Random(12)
    offsets = []
    for index in range(1, 31):
        row = await schedule_row(store, "tick")
        slot = T0 + 60 * index
        assert row["next_slot"] == slot
        offset = row["next_run"] - slot
        assert 0.0 <= offset <= 20.0
        offsets.append(offset)
        clock.set(row["next_run"] - 0.001)
        assert await fire_due(store, rng=rng) == []
        clock.set(row["next_run"])
        assert len(await fire_due(store, rng=rng)) == 1
    assert max(offsets) - min(offsets) > 10.0
    assert len(await instances(store)) == 30


async def test_a_fire_missed_while_paused_happens_once_on_resume(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}, allow_duplicate=True
    )
    await schedules.pause(flows.Single, "tick")
    clock.set(T0 + 3_300)  # five slots pass while paused
    assert await fire_due(store) == []
    await schedules.resume(flows.Single, "tick")
    assert len(await fire_due(store)) == 1
    assert await fire_due(store) == []
    assert (await schedule_row(store, "tick"))["next_run"] == T0 + 3_600  # phase kept
    clock.set(T0 + 3_600)
    assert len(await fire_due(store)) == 1
    assert len(await instances(store)) == 2


async def test_no_new_run_while_the_previous_one_is_unfinished(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
    clock.set(T0 + 600)
    [first] = await fire_due(store)
    clock.set(T0 + 1_800 + 1)  # two more slots pass while the first run is queued
    assert await fire_due(store) == []
    await finish(store, first.instance_id, clock.now)
    [second] = await fire_due(store)  # the held-back fire happens once, now
    assert await fire_due(store) == []
    row = await schedule_row(store, "tick")
    assert (str(row["last_instance_id"]), row["next_run"]) == (second.instance_id, T0 + 2_400)
    assert len(await instances(store)) == 2


async def test_allow_duplicate_fires_while_the_previous_run_is_unfinished(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}, allow_duplicate=True
    )
    for slot in (T0 + 600, T0 + 1_200, T0 + 1_800):
        clock.set(slot)
        assert len(await fire_due(store)) == 1
    assert [i["status"] for i in await instances(store)] == ["queued"] * 3


async def test_a_deleted_last_instance_does_not_block_the_schedule(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
    clock.set(T0 + 600)
    [first] = await fire_due(store)
    await store.pool.execute("DELETE FROM waymark_instances WHERE id = $1", first.instance_id)
    clock.set(T0 + 1_200)
    assert len(await fire_due(store)) == 1


async def test_a_fire_queued_by_a_scheduler_that_died_before_committing_is_not_repeated(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    schedule_id = await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}
    )
    definition = flows.Single.__waymark_definition__
    assert definition is not None
    clock.set(T0 + 600)
    # What a scheduler killed between queuing and recording leaves: the instance, no record.
    orphan = instance_id_for(schedule_id, T0 + 600)
    spec = NewInstance(workflow="Single", version=definition.version, wrl=definition.wrl,
                       inputs={"value": 1})  # fmt: skip
    await store.create_instances([spec], clock.now, [orphan])
    await schedules.register(flows.Sequence, "other", timedelta(minutes=10), inputs={"count": 1})
    clock.advance(600)
    fired = await fire_due(store)
    assert sorted(fire.due.name for fire in fired) == ["other", "tick"]
    assert len(await instances(store, "Single")) == 1
    row = await schedule_row(store, "tick")
    assert (str(row["last_instance_id"]), row["next_run"]) == (orphan, T0 + 1_800)


async def test_runs_use_the_newest_registered_version(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}, allow_duplicate=True
    )
    definition = flows.Single.__waymark_definition__
    assert definition is not None
    clock.advance(60)  # a later deploy registers another version of the workflow
    wrl = definition.wrl.replace("noop(value)", "noop(value + 1)")
    following = version_of_canonical(wrl)
    await store.create_instances(
        [NewInstance(workflow="Single", version=following, wrl=wrl, inputs={"value": 1})],
        clock.now,
    )
    await store.pool.execute("DELETE FROM waymark_instances")
    clock.set(T0 + 600)
    [fire] = await fire_due(store)
    assert fire.due.version == following
    clock.advance(60)  # rolling back: registering the older version makes it the newest again
    await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}, allow_duplicate=True
    )
    clock.set(T0 + 1_200)
    [fire] = await fire_due(store)
    assert fire.due.version == definition.version
    versions = [i["workflow_version"] for i in await instances(store)]
    assert versions == [following, definition.version]


async def test_a_forged_newest_version_skips_its_schedule_only(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(flows.Single, "single", timedelta(minutes=10), inputs={"value": 1})
    await schedules.register(flows.Sequence, "sequence", timedelta(minutes=10), inputs={"count": 1})
    forged = "UPDATE waymark_workflow_versions SET wrl = replace(wrl, 'noop(value)', 'noop(7)')"
    await store.pool.execute(f"{forged} WHERE name = 'Single'")
    clock.set(T0 + 600)
    [fire] = await fire_due(store)
    assert fire.due.workflow == "Sequence"
    assert [i["workflow_name"] for i in await instances(store)] == ["Sequence"]
    assert (await schedule_row(store, "single"))["next_run"] == T0 + 1_200  # moved on regardless


async def test_two_transactions_racing_claim_disjoint_schedules_and_fire_each_once(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    for index in range(6):
        await schedules.register(
            flows.Single, f"s{index}", timedelta(minutes=10), inputs={"value": index}
        )
    clock.set(T0 + 600)
    rows = ScheduleRows(store)
    async with store.pool.acquire() as first, store.pool.acquire() as second:
        async with first.transaction():
            held = await rows.claim_due(first, clock.now, 4, SHORT_IDLE_MS)
            async with second.transaction():
                rest = await rows.claim_due(second, clock.now, 100, SHORT_IDLE_MS)
        assert {s.name for s in held}.isdisjoint({s.name for s in rest})
        assert len(held) + len(rest) == 6
    # claims that were rolled back fire later, once each, whoever races for them
    other = await PostgresStore.open(store.dsn, run_migrations=False)
    try:
        fired = await asyncio.gather(*(fire_due(s, limit=2) for s in (store, other, store, other)))
        fired.append(await fire_due(store))
    finally:
        await other.close()
    names = [fire.due.name for batch in fired for fire in batch]
    assert sorted(names) == [f"s{index}" for index in range(6)]
    assert len(await instances(store)) == 6


async def test_a_schedule_held_by_one_scheduler_is_skipped_by_another(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1}, allow_duplicate=True
    )
    clock.set(T0 + 600)
    rows = ScheduleRows(store)
    async with store.pool.acquire() as connection, connection.transaction():
        assert len(await rows.claim_due(connection, clock.now, 10, SHORT_IDLE_MS)) == 1
        # another scheduler's whole tick runs while this one holds the row: it skips it
        assert await fire_due(store) == []
    assert len(await fire_due(store)) == 1
    assert await fire_due(store) == []


async def test_the_loop_fires_due_schedules_and_the_runner_completes_them(
    database: str, store: PostgresStore, clock: PinnedClock, worker_env: object
) -> None:
    settings = runner_settings(database, scheduler_poll_interval_ms=50)
    await Schedules(store).register(
        flows.Single, "tick", timedelta(minutes=10), inputs={"value": 7}
    )
    clock.set(T0 + 600)
    stop = asyncio.Event()
    async with running(store, settings, clock), waymark.connect(database) as client:
        loop = asyncio.create_task(run_scheduler(store, settings, stop))
        [instance] = await _eventually(lambda: instances(store))
        assert await client.get_result(instance["id"], timeout=15) == 7
        clock.set(T0 + 1_200)
        [_, second] = await _eventually(lambda: instances(store), count=2)
        assert await client.get_result(second["id"], timeout=15) == 7
        stop.set()
        await asyncio.wait_for(loop, 5)


async def _eventually(
    look: Callable[[], Awaitable[list[dict[str, Any]]]], count: int = 1, timeout: float = 10.0
) -> list[dict[str, Any]]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await look()
        if len(found) >= count or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)


def test_an_outage_is_warned_about_once_not_at_every_tick(caplog: Any) -> None:
    """The scheduler ticks every second: while the database is away it says so once, and
    once more when it is back, not at every tick."""
    caplog.set_level(logging.INFO, logger="waymark.scheduler")
    outage = scheduler._Outage()
    for _ in range(5):
        outage.failed(ConnectionRefusedError("refused"))
    outage.ended()
    outage.ended()
    outage.failed(ConnectionRefusedError("again"))
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "waymark.scheduler"]
    assert said == [
        ("WARNING", "scheduler: database unavailable (refused); retrying"),
        ("INFO", "scheduler: database available again"),
        ("WARNING", "scheduler: database unavailable (again); retrying"),
    ]


async def test_runs_get_the_deadline_and_concurrency_limit_of_their_workflow_class(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    # No client ever ran these workflows: registering the schedules keeps their rules.
    await schedules.register(flows.Deadlined, "hourly", timedelta(hours=1), inputs={"seconds": 1},
                             allow_duplicate=True)  # fmt: skip
    await schedules.register(flow_flows.Solo, "solo", timedelta(hours=1), inputs={"tag": "s"},
                             allow_duplicate=True)  # fmt: skip
    clock.set(T0 + 3600)
    assert len(await fire_due(store)) == 2
    clock.set(T0 + 7200)
    assert len(await fire_due(store)) == 2
    rows = await store.pool.fetch(
        """SELECT workflow_name, flow_waiting,
                  extract(epoch FROM deadline_at - created_at)::float8 AS deadline
           FROM waymark_instances ORDER BY workflow_name, created_at"""
    )
    assert [tuple(row) for row in rows] == [
        ("Deadlined", False, 3600.0),
        ("Deadlined", False, 3600.0),
        ("Solo", False, None),
        ("Solo", True, None),  # waits for the first: one at a time
    ]
