"""Helpers of the schedule tests: a pinned clock, UTC times, and looks at the stored rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from waymark_runtime.store.postgres import PostgresStore


class PinnedClock:
    """A clock that moves only when told to (epoch seconds)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    def set(self, epoch: float) -> float:
        self.now = epoch
        return self.now


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    """Epoch seconds of a UTC wall time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()


async def schedule_row(store: PostgresStore, name: str) -> dict[str, Any]:
    row = await store.pool.fetchrow(
        """SELECT *, extract(epoch FROM next_run_at)::float8 AS next_run,
                  extract(epoch FROM next_slot_at)::float8 AS next_slot,
                  extract(epoch FROM last_run_at)::float8 AS last_run
           FROM waymark_schedules WHERE name = $1""",
        name,
    )
    assert row is not None, f"no schedule {name!r}"
    return dict(row)


async def instances(store: PostgresStore, workflow: str | None = None) -> list[dict[str, Any]]:
    """Instances in creation order (ties by id), optionally of one workflow."""
    rows = await store.pool.fetch(
        """SELECT id::text, workflow_name, workflow_version, inputs, priority, status,
                  extract(epoch FROM created_at)::float8 AS created
           FROM waymark_instances WHERE $1::text IS NULL OR workflow_name = $1
           ORDER BY created_at, id""",
        workflow,
    )
    return [dict(row) for row in rows]


async def finish(store: PostgresStore, instance_id: str, at: float) -> None:
    """Mark an instance completed, as a runner's commit would."""
    await store.pool.execute(
        """UPDATE waymark_instances SET status = 'completed', result = '1'::json,
                  finished_at = to_timestamp($2), wake_at = NULL WHERE id = $1""",
        instance_id,
        at,
    )
