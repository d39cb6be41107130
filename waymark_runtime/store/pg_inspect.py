"""The read-only queries of `PostgresStore`: inspection (`store.contract.InspectionStore`,
the admin API, the dashboard) and the queue's statistics for metrics.

`InspectionQueries` is the part of `PostgresStore` that reads instances, their attempts,
sleeps, log lines, signals and programs; it writes nothing and takes no lock.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from waymark_runtime.errors import InternalError
from waymark_runtime.store.contract import InstanceQuery, QueueStats

_INSPECTION = frozenset({"lease_owners", "activity", "recent_failures", "workflow_names", "ping"})


class InspectionQueries:
    pool: asyncpg.Pool
    _sql: dict[str, str]

    async def queue_stats(self, now: float) -> QueueStats:
        """Instances by status, and the runnable ones at `now` (for metrics)."""
        row = await self.pool.fetchrow(self._sql["queue_stats"], now)
        assert row is not None
        by_status = {str(k): int(v) for k, v in (row["by_status"] or {}).items()}
        return QueueStats(by_status=by_status, runnable=int(row["runnable"]),
                          oldest_wait=row["oldest"])  # fmt: skip

    async def inspection(self, query: str, *args: Any) -> list[dict[str, Any]]:
        """The rows of a read-only named query of `sql/inspection.sql` (the dashboard's)."""
        if query not in _INSPECTION:
            raise InternalError(f"{query!r} is not an inspection query")
        return [dict(row) for row in await self.pool.fetch(self._sql[query], *args)]

    async def attempts_of(self, instance_id: str) -> list[dict[str, Any]]:
        """Every attempt row of an instance (times as epoch seconds), in dispatch order."""
        rows = await self.pool.fetch(self._sql["instance_attempts"], instance_id)
        return [dict(row) for row in rows]

    async def timers_of(self, instance_id: str) -> list[dict[str, Any]]:
        """The durable sleeps of an instance, pending and finished, by wake time (epoch seconds)."""
        rows = await self.pool.fetch(self._sql["instance_timers"], instance_id)
        return [dict(row) for row in rows]

    async def logs_of(self, instance_id: str, limit: int = 1000) -> list[dict[str, Any]]:
        """The newest `limit` lines of an instance's workflow log, oldest first."""
        rows = await self.pool.fetch(self._sql["instance_logs"], instance_id, limit)
        return [dict(row) for row in rows]

    async def program_of(self, workflow: str, version: str) -> str | None:
        """The .wrl text of a stored workflow version, or None."""
        text: str | None = await self.pool.fetchval(
            self._sql["instance_program"], workflow, version
        )
        return text

    async def latest_version(self, workflow: str) -> tuple[str, str] | None:
        """`(version, wrl)` of the workflow's most recently registered version, or None."""
        row = await self.pool.fetchrow(self._sql["latest_version"], workflow)
        return None if row is None else (row["version"], row["wrl"])

    async def list_instances(self, query: InstanceQuery) -> list[dict[str, Any]]:
        """A page of instances, newest first (see `InstanceQuery`)."""
        after_us, after_id = query.after if query.after is not None else (None, None)
        rows = await self.pool.fetch(
            self._sql["list_instances"],
            query.status,
            query.workflow,
            query.created_after,
            query.created_before,
            query.limit,
            after_us,
            after_id,
            query.parent,
            None if query.text is None else query.text.lower(),
        )
        return [{**dict(row), "id": str(row["id"])} for row in rows]

    async def signals_of(self, instance_id: str) -> list[dict[str, Any]]:
        """The signal waits of an instance and the signals sent to it (`instance_signals`)."""
        rows = await self.pool.fetch(self._sql["instance_signals"], instance_id)
        return [dict(row) for row in rows]
