"""The clients' part of `PostgresStore`: starting instances (with their idempotency keys),
reading their status and outcomes, waiting for them, and sending signals.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import asyncpg

from waymark_runtime.engine import NewInstance, check_programs
from waymark_runtime.errors import InternalError, SendIdReused
from waymark_runtime.reaching import ridden_out
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.pg_batch import dumps
from waymark_runtime.store.pg_rows import outcome_of
from waymark_runtime.store.pg_steer import conflicts_retried
from waymark_runtime.store.pg_waiters import Waiters


def _names_an_instance(instance_id: object) -> bool:
    """Whether `instance_id` could be an instance's id: a malformed one (not a UUID, or not a
    str) names none, as it does in the memory store, rather than failing the query."""
    try:
        return isinstance(instance_id, str) and bool(uuid.UUID(instance_id))
    except ValueError:
        return False


class ClientQueries:
    pool: asyncpg.Pool
    _sql: dict[str, str]
    _known_versions: dict[tuple[str, str], str]
    _waiters: Waiters

    if TYPE_CHECKING:  # `FlowQueries`'

        async def _set_rules(self, specs: Sequence[NewInstance]) -> None: ...

    async def create_instances(
        self,
        specs: Sequence[NewInstance],
        now: float,
        ids: Sequence[str] | None = None,
        *,
        connection: asyncpg.Connection | None = None,
    ) -> list[str]:
        """Insert instances runnable at once; a program version's text is sent only once.

        `ids` lets a caller pick the ids (to wait on them before they exist). Returns the id
        each spec became, or joined when its idempotency key is taken. A version whose text
        does not hash to it, or names another workflow, is refused (`ProgramMismatch`).
        `connection` runs the insert inside its caller's transaction (the scheduler's tick).
        """
        ids = list(ids) if ids is not None else [str(uuid.uuid4()) for _ in specs]
        fresh = {key: wrl for spec in specs for key, wrl in spec.programs().items()}
        fresh = {key: wrl for key, wrl in fresh.items() if self._known_versions.get(key) != wrl}
        check_programs(fresh)
        await self._set_rules(specs)
        rows = await (connection or self.pool).fetch(
            self._sql["create_instances"],
            [name for name, _ in fresh],
            [version for _, version in fresh],
            list(fresh.values()),
            ids,
            [s.workflow for s in specs],
            [s.version for s in specs],
            [dumps(s.inputs) for s in specs],
            [s.priority for s in specs],
            now,
            [s.trace for s in specs],
            [dumps(s.pins()) for s in specs],
            [s.idempotency_key for s in specs],
            [s.deadline for s in specs],
        )
        if connection is None:  # committed: in a caller's transaction it may yet roll back
            self._known_versions.update(fresh)
        joined = list(ids)
        for row in rows:
            if row["ord"] is None:
                continue
            index, spec = row["ord"] - 1, specs[row["ord"] - 1]
            found = row["joined"]
            if found is None:  # a racing start with this key committed after we began
                found = await self.pool.fetchval(
                    self._sql["instance_by_key"], spec.workflow, spec.idempotency_key
                )
            if found is None:
                raise InternalError(f"no instance holds idempotency key {spec.idempotency_key!r}")
            joined[index] = str(found)
        return [str(found) for found in joined]

    async def outcomes(
        self, instance_ids: Sequence[str]
    ) -> dict[str, tuple[str, InstanceOutcome | None]]:
        """Status and outcome (None while running) of each known instance."""
        rows = await self.pool.fetch(self._sql["instance_outcomes"], list(instance_ids))
        return {str(row["id"]): (row["status"], outcome_of(row)) for row in rows}

    async def outcome(self, instance_id: str) -> InstanceOutcome | None:
        if not _names_an_instance(instance_id):
            raise KeyError(instance_id)  # as for an unknown id, and as the memory store does
        found = await self.outcomes([instance_id])
        if instance_id not in found:
            raise KeyError(instance_id)
        return found[instance_id][1]

    async def status(self, instance_id: str) -> dict[str, Any] | None:
        """The instance row as a dict (times as epoch seconds), or None for an unknown id."""
        if not _names_an_instance(instance_id):
            return None
        row = await self.pool.fetchrow(self._sql["instance_status"], instance_id)
        if row is None:
            return None
        found = dict(row)
        found["id"] = str(found["id"])
        return found

    async def registered_workflows(self, names: Collection[str]) -> set[str]:
        rows = await self.pool.fetch(self._sql["registered_workflows"], list(names))
        return {row["name"] for row in rows}

    async def wait_outcome(self, instance_id: str, timeout: float | None = None) -> InstanceOutcome:
        """Wait on `waymark_done` notifications (registered before the first look), across
        database outages."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        future = await ridden_out(lambda: self.expect(instance_id), deadline)
        try:  # a lost connection is waited out: the listener re-checks once it is back
            current = await ridden_out(lambda: self.outcome(instance_id), deadline)
            if current is not None:
                return current
            left = None if deadline is None else max(0.0, deadline - loop.time())
            return await asyncio.wait_for(asyncio.shield(future), left)
        finally:
            self.forget(instance_id, future)

    async def expect(self, instance_id: str) -> asyncio.Future[InstanceOutcome]:
        """A future resolved when the instance finishes; register it before creating the
        instance and no look at the database is needed. Pair with `forget`."""
        return await self._waiters.expect(instance_id)

    def forget(self, instance_id: str, future: asyncio.Future[InstanceOutcome]) -> None:
        self._waiters.forget(instance_id, future)

    async def send_signal(
        self, instance_id: str, name: str, payload: Any, now: float, send_id: str | None = None
    ) -> bool:
        """Keep signal `name` (a JSON-shaped, validated payload) for an unfinished instance
        and wake it; False when the instance is unknown or finished. A `send_id` kept already
        is this send made again: it keeps nothing more, and is `SendIdReused` when that send
        had another name or payload (see the contract)."""
        send_id = send_id or str(uuid.uuid4())

        async def once() -> Any:
            async with self.pool.acquire() as connection, connection.transaction():
                # The row lock first, in a statement of its own: a commit that is adding a wait
                # for this signal (and letting the instance go) has landed once it is granted,
                # so the statement that sends reads that wait in its snapshot and wakes it.
                await connection.execute(self._sql["lock_instance"], instance_id)
                sql = self._sql["send_signal"]
                return await connection.fetchrow(sql, instance_id, name, payload, now, send_id)

        answer = await conflicts_retried(once)
        assert answer is not None
        if answer["same"] is False:
            raise SendIdReused(instance_id, send_id)
        return bool(answer["kept"])
