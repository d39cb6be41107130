"""The scheduler inside `start-workers`: fire due schedules, one transaction per tick.

Ticks come at the schedules' run times, not on a clock: between them the scheduler sleeps
(`wakeup.Wakeup`: a timer at the next run time, a NOTIFY when schedules change, a slow poll).

A tick locks due schedules (`FOR UPDATE SKIP LOCKED`, overlap decided in the same statement),
queues their instances through `PostgresStore.create_instances`, moves each schedule to its next
slot and commits. An instance id is derived from (schedule, slot), so a scheduler that dies
between queuing and committing cannot make the next one fire that slot twice. The loop never
raises: a failed tick is logged and retried on the next one. It imports no user code.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Sequence

import asyncpg

from waymark_runtime.config import Settings
from waymark_runtime.engine import check_programs
from waymark_runtime.errors import ProgramMismatch
from waymark_runtime.schedules.cadence import jitter_offset, slot_after
from waymark_runtime.schedules.rows import DueSchedule, Fire, ScheduleRows
from waymark_runtime.schedules.wakeup import RETRY_SECONDS, Wakeup
from waymark_runtime.store import postgres
from waymark_runtime.store.pg_listen import Listener
from waymark_runtime.store.postgres import SHORT_IDLE_MS, PostgresStore, is_transient

__all__ = ["fire_due", "instance_id_for", "plan_fire", "run_scheduler"]

log = logging.getLogger("waymark.scheduler")

_RNG = random.Random()


async def run_scheduler(
    store: PostgresStore, settings: Settings, stop: asyncio.Event, listener: Listener | None = None
) -> None:
    """Fire due schedules until `stop` is set: at each schedule's run time and when a schedule
    changes (`wakeup.Wakeup`).

    A tick finishes before the loop looks at `stop` again, so stopping never cuts a fire in
    half. The store's pool needs room for two connections (the tick's and the queuing one).
    The scheduler hears notifications on `listener`, the runner's (one LISTEN connection per
    process), or without one on a connection of its own.
    """
    batch = settings.scheduler_batch_size
    outage = _Outage()
    wakeup = Wakeup(store.dsn, settings.scheduler_poll_interval_ms / 1000, listener)
    try:
        while not stop.is_set():
            await wakeup.listen()
            wakeup.event.clear()  # a change from here on cuts the next sleep short
            fired = await _tick(store, batch, outage)
            if fired < batch:  # a full batch means more may be due: go again at once
                await wakeup.sleep(stop, await _next_look(store, wakeup, outage))
    finally:
        await wakeup.close()


async def _next_look(store: PostgresStore, wakeup: Wakeup, outage: _Outage) -> float | None:
    """Seconds until the scheduler must look again (None: when woken)."""
    now = postgres.now()
    try:
        next_run, holders = await ScheduleRows(store).next_due(now)
    except Exception as error:
        outage.failed_on(error, "scheduler: looking for the next run time failed")
        return min(wakeup.poll, RETRY_SECONDS)
    await wakeup.held_back(holders)
    return wakeup.delay(next_run, now)


class _Outage:
    """Whether the database is known to be unavailable: one warning per outage, not per tick."""

    def __init__(self) -> None:
        self.ongoing = False

    def failed(self, error: BaseException) -> None:
        if not self.ongoing:
            log.warning("scheduler: database unavailable (%s); retrying", error)
        self.ongoing = True

    def failed_on(self, error: BaseException, what: str) -> None:
        """`error` ended a database step: an outage, or a bug logged with its traceback."""
        if is_transient(error):
            self.failed(error)
        else:
            log.exception(what)

    def ended(self) -> None:
        if self.ongoing:
            log.info("scheduler: database available again")
        self.ongoing = False


async def _tick(store: PostgresStore, batch: int, outage: _Outage) -> int:
    try:
        fires = await fire_due(store, limit=batch)
    except Exception as error:
        outage.failed_on(error, "scheduler tick failed")
        return 0
    outage.ended()
    for fire in fires:
        log.info("schedule %s of %s fired instance %s",
                 fire.due.name, fire.due.workflow, fire.instance_id)  # fmt: skip
    return len(fires)


async def fire_due(
    store: PostgresStore,
    *,
    limit: int = 100,
    now: float | None = None,
    rng: random.Random | None = None,
) -> list[Fire]:
    """Fire up to `limit` due schedules in one transaction; returns what fired.

    A schedule whose newest program version is not what it claims to be (a forged row) moves
    to its next slot without an instance, and the others fire as usual."""
    now = postgres.now() if now is None else now
    rows = ScheduleRows(store)
    async with store.pool.acquire() as connection, connection.transaction():
        due = await rows.claim_due(connection, now, limit, SHORT_IDLE_MS)
        fires = [plan_fire(schedule, now, rng or _RNG) for schedule in due]
        sound = [fire for fire in fires if _is_sound(fire)]
        if sound:
            await _queue(store, connection, sound, now)
        if fires:
            await rows.record_fires(connection, fires, now)
    return sound


def _is_sound(fire: Fire) -> bool:
    due = fire.due
    try:
        check_programs({(due.workflow, due.version): due.wrl})
    except ProgramMismatch as error:
        log.error("schedule %s of %s not fired: %s", due.name, due.workflow, error)
        return False
    return True


def plan_fire(due: DueSchedule, now: float, rng: random.Random) -> Fire:
    """The instance of `due`'s current slot, and its next slot and (jittered) fire time."""
    next_slot = slot_after(due.cadence, due.slot, now)
    return Fire(
        due=due,
        instance_id=instance_id_for(due.id, due.slot),
        next_slot=next_slot,
        next_run=next_slot + jitter_offset(due.jitter_seconds, rng),
    )


def instance_id_for(schedule_id: str, slot: float) -> str:
    """The id of the instance a schedule queues for a slot: the same for every scheduler."""
    return str(uuid.uuid5(uuid.UUID(schedule_id), str(round(slot * 1_000_000))))


async def _queue(
    store: PostgresStore, connection: asyncpg.Connection, fires: Sequence[Fire], now: float
) -> None:
    """Create the fires' instances in the tick's transaction (so it waits on no other
    connection while it holds its locks); an instance that exists already is not created again
    (`create_instances` creates an existing id no second time)."""
    specs = [fire.new_instance() for fire in fires]
    ids = [fire.instance_id for fire in fires]
    await store.create_instances(specs, now, ids, connection=connection)
