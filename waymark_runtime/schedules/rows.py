"""`ScheduleRows`: the schedule rows in PostgreSQL, one method per query of `schedules.sql`.

The queries are loaded with the store's own named-query parser. Creating the instances a fire
queues is not done here: that goes through `PostgresStore.create_instances`, the client's path.
This module neither reads the clock nor computes cadences; callers pass both in.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import asyncpg

from waymark_runtime.engine import NewInstance, check_programs
from waymark_runtime.schedules.model import (
    Cadence,
    NewSchedule,
    ScheduleInfo,
    ScheduleStatus,
    info_of,
)
from waymark_runtime.store import sql
from waymark_runtime.store.pg_batch import dumps
from waymark_runtime.store.postgres import PostgresStore

__all__ = ["DueSchedule", "Fire", "ScheduleRows", "schedule_queries"]


@functools.cache
def schedule_queries() -> dict[str, str]:
    """Every named query of `schedules.sql`, by name."""
    text = resources.files(sql.__name__).joinpath("schedules.sql").read_text("utf-8")
    return sql.parse_named_queries(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class DueSchedule:
    """A schedule locked for firing, with the newest registered version of its workflow."""

    id: str
    workflow: str
    name: str
    cadence: Cadence
    inputs: Any
    jitter_seconds: float
    priority: int
    slot: float
    version: str
    wrl: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Fire:
    """One fire: the instance it queues and where the schedule moves next."""

    due: DueSchedule
    instance_id: str
    next_slot: float
    next_run: float

    def new_instance(self) -> NewInstance:
        due = self.due
        return NewInstance(workflow=due.workflow, version=due.version, wrl=due.wrl,
                           inputs=due.inputs, priority=due.priority)  # fmt: skip


class ScheduleRows:
    """Schedule statements on a store's pool (or on a connection inside a transaction)."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        self._sql = schedule_queries()

    async def upsert(self, new: NewSchedule, now: float) -> str:
        check_programs({(new.workflow, new.version): new.wrl})
        cadence = new.cadence
        schedule_id = await self.store.pool.fetchval(
            self._sql["upsert_schedule"],
            new.workflow,
            new.name,
            cadence.kind,
            cadence.cron,
            cadence.interval_seconds,
            dumps(new.inputs),
            new.jitter_seconds,
            new.allow_duplicate,
            new.slot,
            new.run_at,
            new.version,
            new.wrl,
            now,
            new.priority,
        )
        return str(schedule_id)

    async def set_status(
        self, workflow: str, name: str, status: ScheduleStatus, now: float
    ) -> bool:
        found = await self.store.pool.fetchval(
            self._sql["set_schedule_status"], workflow, name, status, now
        )
        return found is not None

    async def delete(self, workflow: str, name: str) -> bool:
        found = await self.store.pool.fetchval(self._sql["delete_schedule"], workflow, name)
        return found is not None

    async def select(
        self,
        *,
        status: ScheduleStatus | None = None,
        workflow: str | None = None,
        name: str | None = None,
    ) -> list[ScheduleInfo]:
        rows = await self.store.pool.fetch(self._sql["list_schedules"], status, workflow, name)
        return [info_of(row) for row in rows]

    async def claim_due(
        self, connection: asyncpg.Connection, now: float, limit: int, idle_ms: int
    ) -> list[DueSchedule]:
        """Lock due schedules; `connection` must be in the transaction that records the fires,
        which the server ends when it waits `idle_ms` on its client between statements."""
        await connection.execute(self._sql["bound_tick_idle"], str(idle_ms))
        rows = await connection.fetch(self._sql["claim_due_schedules"], now, limit)
        return [_due_of(row) for row in rows]

    async def next_due(self, now: float) -> tuple[float | None, set[str]]:
        """The earliest run time of an active schedule its unfinished last instance does not
        hold back (None: no such schedule), and the instances holding back due ones."""
        row = await self.store.pool.fetchrow(self._sql["next_due"], now)
        return row["next_run"], {str(holder) for holder in row["holders"]}

    async def record_fires(
        self, connection: asyncpg.Connection, fires: Sequence[Fire], now: float
    ) -> None:
        await connection.execute(
            self._sql["record_fires"],
            now,
            [fire.due.id for fire in fires],
            [fire.instance_id for fire in fires],
            [fire.next_slot for fire in fires],
            [fire.next_run for fire in fires],
        )


def _due_of(row: asyncpg.Record) -> DueSchedule:
    cadence = Cadence(kind=row["schedule_type"], cron=row["cron_expression"],
                      interval_seconds=row["interval_seconds"])  # fmt: skip
    return DueSchedule(
        id=str(row["id"]),
        workflow=row["workflow_name"],
        name=row["name"],
        cadence=cadence,
        inputs=row["inputs"],
        jitter_seconds=row["jitter_seconds"],
        priority=row["priority"],
        slot=row["slot"],
        version=row["version"],
        wrl=row["wrl"],
    )
