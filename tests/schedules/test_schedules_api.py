"""Registering and managing schedules on PostgreSQL: upsert, pause/resume/delete, list, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import waymark
from tests.runtime import runtime_flows as flows
from tests.schedules.support import PinnedClock, schedule_row, utc
from waymark import (
    Workflow,
    delete_schedule,
    list_schedules,
    pause_schedule,
    resume_schedule,
    schedule_workflow,
)
from waymark.testing import LocalRuntime
from waymark_runtime.schedules import (
    InvalidScheduleError,
    ScheduleError,
    ScheduleNotFoundError,
    Schedules,
    UnknownWorkflowError,
)
from waymark_runtime.store.postgres import PostgresStore

T0 = utc(2024, 3, 9, 12, 7, 30)


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


async def test_a_cron_schedule_is_stored_with_its_first_fire(schedules: Schedules) -> None:
    schedule_id = await schedules.register(
        flows.Single, "quarterly", "*/15 * * * *", inputs={"value": 4}, priority=3
    )
    [info] = await schedules.select()
    assert info.id == schedule_id
    assert (info.workflow_name, info.schedule_name, info.status) == (
        "Single",
        "quarterly",
        "active",
    )
    assert (info.schedule_type, info.cron_expression, info.interval) == (
        "cron",
        "*/15 * * * *",
        None,
    )
    assert info.cadence == "*/15 * * * *"
    assert info.inputs == {"value": 4}
    assert (info.priority, info.allow_duplicate, info.jitter) == (3, False, None)
    assert info.next_run_at == at(utc(2024, 3, 9, 12, 15))
    assert (info.last_run_at, info.last_instance_id) == (None, None)
    assert info.created_at == at(T0)


async def test_an_interval_schedule_first_fires_one_interval_later(schedules: Schedules) -> None:
    await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
    [info] = await schedules.select()
    assert info.interval == timedelta(minutes=10)
    assert info.cadence == "every 10m"
    assert info.next_run_at == at(T0 + 600)


async def test_reregistering_keeps_the_next_fire_and_updates_the_rest(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    first = await schedules.register(
        flows.Single, "hourly", timedelta(hours=1), inputs={"value": 1}, jitter=timedelta(minutes=5)
    )
    before = await schedule_row(store, "hourly")
    clock.advance(1_200)  # a deploy, twenty minutes later
    again = await schedules.register(
        flows.Single,
        "hourly",
        timedelta(hours=1),
        inputs={"value": 2},
        jitter=timedelta(minutes=5),
        allow_duplicate=True,
        priority=9,
    )
    after = await schedule_row(store, "hourly")
    assert again == first
    assert (after["next_run"], after["next_slot"]) == (before["next_run"], before["next_slot"])
    assert after["next_slot"] == T0 + 3_600
    assert T0 + 3_600 <= after["next_run"] <= T0 + 3_600 + 300
    assert (after["inputs"], after["priority"], after["allow_duplicate"]) == ({"value": 2}, 9, True)


async def test_a_changed_cadence_starts_again_from_now(
    schedules: Schedules, store: PostgresStore, clock: PinnedClock
) -> None:
    await schedules.register(flows.Single, "tick", timedelta(hours=1), inputs={"value": 1})
    clock.advance(1_200)
    await schedules.register(flows.Single, "tick", timedelta(minutes=30), inputs={"value": 1})
    assert (await schedule_row(store, "tick"))["next_run"] == T0 + 1_200 + 1_800
    await schedules.register(flows.Single, "tick", "0 * * * *", inputs={"value": 1})
    row = await schedule_row(store, "tick")
    assert (row["schedule_type"], row["interval_seconds"]) == ("cron", None)
    assert row["next_run"] == utc(2024, 3, 9, 13)


async def test_a_changed_jitter_keeps_the_slot_and_draws_a_new_offset(
    schedules: Schedules, store: PostgresStore
) -> None:
    await schedules.register(flows.Single, "tick", timedelta(hours=1), inputs={"value": 1})
    await schedules.register(
        flows.Single, "tick", timedelta(hours=1), inputs={"value": 1}, jitter=timedelta(minutes=10)
    )
    row = await schedule_row(store, "tick")
    assert row["next_slot"] == T0 + 3_600
    assert T0 + 3_600 <= row["next_run"] <= T0 + 3_600 + 600
    assert row["jitter_seconds"] == 600.0


async def test_reregistering_does_not_resume_a_paused_schedule(schedules: Schedules) -> None:
    await schedules.register(flows.Single, "tick", timedelta(hours=1), inputs={"value": 1})
    await schedules.pause(flows.Single, "tick")
    await schedules.register(flows.Single, "tick", timedelta(hours=1), inputs={"value": 1})
    [info] = await schedules.select()
    assert info.status == "paused"


async def test_pause_resume_delete_and_list_filters(schedules: Schedules) -> None:
    await schedules.register(flows.Single, "a", "0 * * * *", inputs={"value": 1})
    await schedules.register("Sequence", "b", timedelta(minutes=5), inputs={"count": 2})
    await schedules.pause("Single", "a")
    assert [i.schedule_name for i in await schedules.select("paused")] == ["a"]
    assert [i.schedule_name for i in await schedules.select("active")] == ["b"]
    await schedules.resume(flows.Single, "a")
    assert [i.status for i in await schedules.select()] == ["active", "active"]
    await schedules.delete(flows.Sequence, "b")
    assert [i.schedule_name for i in await schedules.select()] == ["a"]


async def test_operations_on_a_missing_schedule_say_which(schedules: Schedules) -> None:
    message = "no schedule 'nope' for workflow 'Single'"
    for operation in (schedules.pause, schedules.resume, schedules.delete):
        with pytest.raises(ScheduleNotFoundError, match=message):
            await operation(flows.Single, "nope")


async def test_the_public_functions_use_the_current_postgres_backend(
    database: str, store: PostgresStore, clock: PinnedClock
) -> None:
    async with waymark.connect(database):
        schedule_id = await schedule_workflow(
            flows.Single, schedule_name="tick", schedule=timedelta(minutes=5), inputs={"value": 1}
        )
        [info] = await list_schedules()
        assert info.id == schedule_id
        await pause_schedule(flows.Single, schedule_name="tick")
        assert [i.id for i in await list_schedules(status_filter="paused")] == [schedule_id]
        assert await list_schedules("active") == []
        await resume_schedule("Single", "tick")
        assert [i.status for i in await list_schedules()] == ["active"]
        await delete_schedule(flows.Single, "tick")
        assert await list_schedules() == []


async def test_long_names_are_clipped_in_refusals(schedules: Schedules) -> None:
    """A caller's name is quoted by its start and length, never whole (nor searched for a
    "did you mean" when no workflow name is that long)."""
    long_name = "s" * 900
    for operation in (schedules.pause, schedules.resume, schedules.delete):
        with pytest.raises(ScheduleNotFoundError) as missing:
            await operation(flows.Single, long_name)
        assert str(missing.value) == (
            f"no schedule {'s' * 80!r}... (900 characters) for workflow 'Single'"
        )
    with pytest.raises(UnknownWorkflowError) as unknown:
        await schedules.register("W" * 10**6, "tick", timedelta(minutes=5))
    assert str(unknown.value).startswith(f"unknown workflow {'W' * 80!r}... (1,000,000 characters)")
    assert "W" * 81 not in str(unknown.value)
    with pytest.raises(InvalidScheduleError) as nul:
        await schedules.register(flows.Single, "\x00" * 10**6, timedelta(minutes=5))
    assert len(str(nul.value)) < 400 and "1,000,000 characters" in str(nul.value)


async def test_schedules_need_postgres() -> None:
    async with LocalRuntime():
        with pytest.raises(ScheduleError, match="schedules live in PostgreSQL"):
            await list_schedules()


async def test_registering_records_the_program_version(
    schedules: Schedules, store: PostgresStore
) -> None:
    await schedules.register(flows.Single, "tick", timedelta(minutes=5), inputs={"value": 1})
    definition = flows.Single.__waymark_definition__
    assert definition is not None
    row = await store.pool.fetchrow(
        "SELECT wrl FROM waymark_workflow_versions WHERE name = $1 AND version = $2",
        "Single",
        definition.version,
    )
    assert row is not None and row["wrl"] == definition.wrl


class NotDecorated(Workflow):
    async def run(self) -> None:
        return None


async def test_unknown_workflows_are_rejected(schedules: Schedules) -> None:
    with pytest.raises(
        UnknownWorkflowError, match=r"unknown workflow 'Singel' \(did you mean 'Single'\?\)"
    ):
        await schedules.register("Singel", "tick", timedelta(minutes=5))
    with pytest.raises(UnknownWorkflowError, match="unknown workflow 'Zzzzzz': not registered"):
        await schedules.register("Zzzzzz", "tick", timedelta(minutes=5))
    with pytest.raises(UnknownWorkflowError, match="NotDecorated is not a compiled workflow"):
        await schedules.register(NotDecorated, "tick", timedelta(minutes=5))
    with pytest.raises(UnknownWorkflowError, match="expected a @workflow class or a workflow name"):
        await schedules.register(42, "tick", timedelta(minutes=5))  # type: ignore[arg-type]
    assert await schedules.select() == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"schedule": "61 * * * *"}, "minute field '61' is out of range"),
        ({"schedule": timedelta(0)}, "schedule interval must be positive, got 0s"),
        ({"schedule": timedelta.max}, "schedule interval must be at most 100 years, got "),
        (
            {"schedule": "0 * * * *", "jitter": timedelta(days=10**6)},
            "jitter must be at most 100 years, got 8.64e",
        ),
        (
            {"inputs": {}},
            r"inputs do not match Single.run\(\): Single.run\(\) missing 1 required positional "
            r"argument: 'value'",
        ),
        ({"inputs": {"value": 1, "extra": 2}}, "inputs do not match Single.run"),
        ({"inputs": [1]}, "inputs must be a mapping"),
        (
            {"inputs": {"value": "three"}},
            r"^input `value` does not match Single.run\(\): Input should be a valid integer",
        ),
        ({"schedule_name": ""}, "schedule_name must be a non-empty string"),
        ({"priority": 1.5}, "priority must be an integer, got 1.5"),
        ({"priority": 2**40}, "priority must fit in 32 bits"),
        ({"priority": "high"}, "priority must be an integer, got 'high'"),
        ({"schedule_name": "ti\x00ck"}, "schedule_name must not contain a NUL character"),
        ({"schedule_name": "ti\udcffck"}, "schedule_name must be valid UTF-8"),
        ({"schedule_name": "t" * 3000}, "schedule_name must be at most 1,000 bytes of UTF-8"),
        ({"allow_duplicate": "no"}, "allow_duplicate must be True or False, got 'no'"),
        (
            {"jitter": timedelta(minutes=10)},
            r"jitter \(600s\) must be shorter than the interval \(300s\)",
        ),
    ],
)
async def test_invalid_registrations_are_rejected_and_store_nothing(
    schedules: Schedules, arguments: dict[str, object], message: str
) -> None:
    call: dict[str, object] = {
        "schedule_name": "tick",
        "schedule": timedelta(minutes=5),
        "inputs": {"value": 1},
        **arguments,
    }
    with pytest.raises(InvalidScheduleError, match=message):
        await schedules.register(flows.Single, **call)  # type: ignore[arg-type]
    assert await schedules.select() == []


async def test_names_with_a_nul_are_rejected_before_the_database(schedules: Schedules) -> None:
    with pytest.raises(InvalidScheduleError, match="schedule_name must not contain a NUL"):
        await schedules.pause(flows.Single, "ti\x00ck")
    with pytest.raises(InvalidScheduleError, match="schedule_name must not contain a NUL"):
        await schedules.delete(flows.Single, "ti\x00ck")
    with pytest.raises(InvalidScheduleError, match="workflow name must not contain a NUL"):
        await schedules.resume("Sin\x00gle", "tick")
    with pytest.raises(InvalidScheduleError, match="workflow name must not contain a NUL"):
        await schedules.select(workflow="Sin\x00gle")


async def test_an_unknown_status_filter_is_rejected(schedules: Schedules) -> None:
    with pytest.raises(InvalidScheduleError, match="status_filter must be one of active, paused"):
        await schedules.select("running")  # type: ignore[arg-type]


async def test_schedule_info_as_json(schedules: Schedules) -> None:
    await schedules.register(
        flows.Single,
        "tick",
        timedelta(minutes=90),
        inputs={"value": 1},
        jitter=timedelta(seconds=5),
    )
    [info] = await schedules.select()
    data = info.to_json()
    assert data["cadence"] == "every 1h30m"
    assert (data["interval_seconds"], data["jitter_seconds"]) == (5_400.0, 5.0)
    fire = datetime.fromisoformat(data["next_run_at"]).timestamp()
    assert T0 + 5_400 <= fire <= T0 + 5_405
    assert data["last_run_at"] is None
