"""The admin API's steering writes of `PostgresStore`: cancelling an instance, and starting a
new one in its place (a retry or requeue) once per source instance, each in one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg

from waymark_runtime.engine import NewInstance
from waymark_runtime.store.pg_family import end_open_work, family_stable, lock_families

T = TypeVar("T")

_CONFLICTS = (asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError)
_CONFLICT_TRIES = 5


class SteeringQueries:
    pool: asyncpg.Pool
    _sql: dict[str, str]

    if TYPE_CHECKING:  # `PostgresStore`'s

        async def create_instances(
            self, specs: Sequence[NewInstance], now: float, ids: Sequence[str] | None = None,
            *, connection: asyncpg.Connection | None = None,
        ) -> list[str]: ...  # fmt: skip

        async def _settle(self, connection: Any, instance_ids: list[str], now: float) -> None: ...

    async def cancel(
        self, instance_id: str, error: Any, now: float, status: str = "cancelled"
    ) -> bool:
        """End an unfinished instance as `status` (`cancelled`, or `failed` past its deadline)
        with `error` (the exception its waiters raise); False when it is unknown or finished."""

        async def once(ordered: bool) -> bool:
            async with self.pool.acquire() as connection, connection.transaction():
                await lock_families(self._sql, connection, [], [instance_id],
                                    others_commit=True, ordered=ordered)  # fmt: skip
                return await _cancel(self, connection, instance_id, error, now, status)

        return await conflicts_retried(lambda: family_stable(once))

    async def start_again(
        self, source: str, spec: NewInstance, now: float, new_id: str,
        cancel_error: Any = None,
    ) -> str | None:  # fmt: skip
        """Create instance `new_id` of `spec` as the retry or requeue of `source` (cancelled
        first with `cancel_error` when that is given and `source` is unfinished), and record it
        on `source`, all in one transaction under the row locks of `source`'s family (taken
        first, in the order of ids, as a cancel takes them); the id of the instance
        `source`'s earlier retry or requeue created instead, when there is one (nothing is
        made then). None when `source` is unknown."""

        async def once(ordered: bool) -> str | None:
            return await self._start_again(source, spec, now, new_id, cancel_error, ordered)

        return await conflicts_retried(lambda: family_stable(once))

    async def _start_again(
        self, source: str, spec: NewInstance, now: float, new_id: str, cancel_error: Any,
        ordered: bool,
    ) -> str | None:  # fmt: skip
        async with self.pool.acquire() as connection, connection.transaction():
            made = {"c": [{"child": new_id, "workflow": spec.workflow, "inputs": spec.inputs}]}
            await lock_families(self._sql, connection, [], [source], others_commit=True,
                                ordered=ordered, doc=made)  # fmt: skip
            row = await connection.fetchrow(self._sql["restart_source"], source)
            if row is None:
                return None
            if row["restarted_as"] is not None:
                return str(row["restarted_as"])
            if cancel_error is not None and row["unfinished"]:
                await _cancel(self, connection, source, cancel_error, now, "cancelled")
            await self.create_instances([spec], now, [new_id], connection=connection)
            await connection.execute(self._sql["record_restart"], source, new_id)
        return new_id


async def conflicts_retried(operation: Callable[[], Awaitable[T]]) -> T:
    """`operation`, one transaction, made again when PostgreSQL aborted it for its conflict
        with others (it was the one a deadlock detection chose, or a serialization failure, or the
    family it locked first grew meanwhile: `family_stable`): it
        changed nothing, so a caller's cancel or signal does not fail for the runners' own
        traffic on the same rows (a group commit and a heartbeat waiting on each other)."""
    for attempt in range(1, _CONFLICT_TRIES):
        try:
            return await operation()
        except _CONFLICTS:
            await asyncio.sleep(0.01 * attempt)
    return await operation()


async def _cancel(store: SteeringQueries, connection: Any, instance_id: str, error: Any,
                  now: float, status: str) -> bool:  # fmt: skip
    """End `instance_id` and its blocking descendants, its family locked (`lock_families`)."""
    row = await connection.fetchrow(store._sql["cancel_instance"], instance_id, now, error, status)
    if row is not None:
        await end_open_work(store._sql, connection, [row], now, error)
        await store._settle(connection, [instance_id], now)
    return row is not None
