"""When the scheduler loop looks for due schedules (`schedules/wakeup.py`): at the next run time,
when a schedule changes, when an instance holding back a due schedule ends, and otherwise only
at its slow poll, here set to a minute that no test waits for: a fire that needed the poll
would not come within the tests' ten seconds."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from tests.runtime import runtime_flows as flows
from tests.runtime.support import runner_settings
from tests.schedules.conftest import T0
from tests.schedules.support import PinnedClock, finish, instances
from waymark_runtime.schedules import Schedules
from waymark_runtime.schedules.model import ScheduleNotFoundError
from waymark_runtime.schedules.scheduler import run_scheduler
from waymark_runtime.schedules.wakeup import SCHEDULES_CHANNEL
from waymark_runtime.store import postgres
from waymark_runtime.store.pg_listen import Listener
from waymark_runtime.store.pg_waiters import DONE_CHANNEL
from waymark_runtime.store.postgres import PostgresStore

_SLOW_POLL_MS = 60_000
_PROMPT = 10.0


@contextlib.asynccontextmanager
async def _loop(store: PostgresStore, database: str) -> AsyncIterator[None]:
    stop = asyncio.Event()
    settings = runner_settings(database, scheduler_poll_interval_ms=_SLOW_POLL_MS)
    loop = asyncio.create_task(run_scheduler(store, settings, stop))
    try:
        await asyncio.sleep(0.5)  # it has looked once, and sleeps
        yield
    finally:
        stop.set()
        await asyncio.wait_for(loop, 10)


async def _count_within(store: PostgresStore, count: int, timeout: float = _PROMPT) -> int:
    deadline = time.monotonic() + timeout
    while len(found := await instances(store)) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return len(found)


class _Running:
    """A clock that runs with real time from `start` (epoch seconds)."""

    def __init__(self, start: float) -> None:
        self.start, self.began = start, time.monotonic()

    def __call__(self) -> float:
        return self.start + time.monotonic() - self.began


async def test_every_change_of_a_schedule_notifies_the_schedulers(
    schedules: Schedules, database: str
) -> None:
    heard: list[str] = []
    listening = await asyncpg.connect(database)
    try:
        await listening.add_listener(SCHEDULES_CHANNEL, lambda *args: heard.append(args[2]))
        await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
        await schedules.pause(flows.Single, "tick")
        await schedules.resume(flows.Single, "tick")
        await schedules.delete(flows.Single, "tick")
        with pytest.raises(ScheduleNotFoundError):  # nothing left to delete: no news
            await schedules.delete(flows.Single, "tick")
        deadline = time.monotonic() + _PROMPT
        while len(heard) < 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
    finally:
        await listening.close()
    assert len(heard) == 4


async def test_a_resumed_schedule_that_is_due_fires_without_waiting_for_the_poll(
    schedules: Schedules, store: PostgresStore, database: str, clock: PinnedClock
) -> None:
    await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
    await schedules.pause(flows.Single, "tick")
    async with _loop(store, database):
        clock.set(T0 + 600)
        await asyncio.sleep(0.3)
        assert await instances(store) == []  # paused
        await schedules.resume(flows.Single, "tick")
        assert await _count_within(store, 1) == 1


async def test_the_loop_wakes_at_the_next_run_time(
    schedules: Schedules,
    store: PostgresStore,
    database: str,
    clock: PinnedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
    monkeypatch.setattr(postgres, "now", _Running(T0 + 598.0))  # its run time is 2 s away
    async with _loop(store, database):
        assert await instances(store) == []
        assert await _count_within(store, 1) == 1
    [instance] = await instances(store)
    assert instance["created"] >= T0 + 600


async def test_the_end_of_an_instance_holding_back_a_due_schedule_wakes_the_loop(
    schedules: Schedules, store: PostgresStore, database: str, clock: PinnedClock
) -> None:
    """Without `allow_duplicate` a due schedule waits for its last instance to end; the runner's
    commit that ends it notifies `waymark_done` (sent here as that commit sends it)."""
    await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
    clock.set(T0 + 600)
    async with _loop(store, database):
        assert await _count_within(store, 1) == 1
        clock.set(T0 + 1_200)
        # Any change wakes the loop: it finds "tick" due and held back by its first run.
        await schedules.register(flows.Single, "other", timedelta(hours=1), inputs={"value": 2})
        await asyncio.sleep(0.5)
        [first] = await instances(store)
        await finish(store, first["id"], clock.now)
        await store.pool.execute(
            "SELECT pg_notify('waymark_done', $1)", json.dumps({"id": first["id"]})
        )
        assert await _count_within(store, 2) == 2


async def test_the_loop_shares_a_listener_and_hears_waymark_done_only_while_held_back(
    schedules: Schedules, store: PostgresStore, database: str, clock: PinnedClock
) -> None:
    """On the runner's listener (one LISTEN connection per process) the scheduler adds
    `waymark_schedules`, and `waymark_done` only while an instance holds a due schedule back;
    closing the loop leaves the listener open, without the scheduler's channels."""
    listener = Listener(database, {})
    await listener.start()
    stop = asyncio.Event()
    settings = runner_settings(database, scheduler_poll_interval_ms=_SLOW_POLL_MS)
    loop = asyncio.create_task(run_scheduler(store, settings, stop, listener))
    try:
        await asyncio.sleep(0.5)
        assert set(listener.channels) == {SCHEDULES_CHANNEL}
        await schedules.register(flows.Single, "tick", timedelta(minutes=10), inputs={"value": 1})
        clock.set(T0 + 600)
        await schedules.register(flows.Single, "other", timedelta(hours=1), inputs={"value": 2})
        assert await _count_within(store, 1) == 1
        clock.set(T0 + 1_200)
        await schedules.pause(flows.Single, "other")  # a change: "tick" is due, held back
        deadline = time.monotonic() + _PROMPT
        while DONE_CHANNEL not in listener.channels and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert set(listener.channels) == {SCHEDULES_CHANNEL, DONE_CHANNEL}
        [first] = await instances(store)
        await finish(store, first["id"], clock.now)
        await store.pool.execute(
            "SELECT pg_notify('waymark_done', $1)", json.dumps({"id": first["id"]})
        )
        assert await _count_within(store, 2) == 2
        deadline = time.monotonic() + _PROMPT
        while DONE_CHANNEL in listener.channels and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert set(listener.channels) == {SCHEDULES_CHANNEL}  # the second run holds nothing due
    finally:
        stop.set()
        await asyncio.wait_for(loop, 10)
    try:
        assert listener.listening() and listener.channels == {}
    finally:
        await listener.close()
