"""`PostgresStore`: the durable store on PostgreSQL 14+, through asyncpg only.

One method per named query of `sql/queries.sql`; every batch is one statement. It answers the
runner's contract (`store.contract`, shared with `MemoryStore`): `claim` returns an instance's
events, pending attempts and sleeps, `commit` keeps the lease so the runner can run the attempts
on its own workers. What clients write and read (`pg_clients`: starts, outcomes, signals),
flow control (`pg_flow`), the read-only inspection queries (`pg_inspect`) and the admin API's
cancel and restart (`pg_steer`) are parts of it of their own.
It holds no workflow logic and never interprets a program.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from waymark_runtime.flow import FlowRule
from waymark_runtime.store.contract import (
    Reclaimed,
    RunnerInfo,
    cascade_error,
    lost_attempt_error,
    orphaned_attempt_error,
)
from waymark_runtime.store.pg_batch import CommitBatch, dumps
from waymark_runtime.store.pg_clients import ClientQueries
from waymark_runtime.store.pg_dsn import refuse_malformed
from waymark_runtime.store.pg_family import end_open_work, family_stable, lock_families
from waymark_runtime.store.pg_flow import SHORT_IDLE_MS, FlowQueries
from waymark_runtime.store.pg_inspect import InspectionQueries
from waymark_runtime.store.pg_lane import CommitLane
from waymark_runtime.store.pg_listen import Listener, runnable_listener
from waymark_runtime.store.pg_migrate import migrate, migrate_async
from waymark_runtime.store.pg_rows import (
    Claim,
    ClaimedAttempt,
    Cursor,
    claim_of,
)
from waymark_runtime.store.pg_steer import SteeringQueries
from waymark_runtime.store.pg_waiters import Waiters
from waymark_runtime.store.sql import queries

__all__ = [
    "SHORT_IDLE_MS",
    "Claim",
    "ClaimedAttempt",
    "Cursor",
    "PostgresStore",
    "is_transient",
    "migrate",
    "now",
]

RUNNABLE_CHANNEL = "waymark_runnable"
ENDED_CHANNEL = "waymark_ended"


def now() -> float:
    """The one clock of the runtime (epoch seconds); tests pin it by replacing this function."""
    return time.time()


_TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
)


def _md5(text: str) -> str:
    """PostgreSQL's `md5(text)`: how a claim tells a known program text from a changed one."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def is_transient(error: BaseException) -> bool:
    """Worth retrying: the connection or server went away, or a conflict aborted the statement.

    A server shutting down can also leave a pooled connection mid-protocol, which asyncpg
    reports as an internal error ("another operation is in progress") on its next use."""
    if isinstance(error, asyncpg.exceptions.InternalClientError):
        return "another operation" in str(error)
    if isinstance(error, asyncpg.exceptions.ClientConfigurationError):
        return False  # a malformed DSN stays malformed
    return isinstance(error, _TRANSIENT)


async def _init_connection(connection: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):  # jsonb only for hand-written queries
        await connection.set_type_codec(
            name, encoder=dumps, decoder=json.loads, schema="pg_catalog"
        )


def _session_settings(idle_in_transaction_ms: int | None) -> dict[str, str] | None:
    if idle_in_transaction_ms is None:
        return None
    return {"idle_in_transaction_session_timeout": str(idle_in_transaction_ms)}


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Skip asyncpg's reset round trip on release: store queries leave no session state
    (no LISTEN, locks, cursors or settings on pooled connections)."""


class PostgresStore(ClientQueries, FlowQueries, InspectionQueries, SteeringQueries):
    """The store; `await PostgresStore.open(dsn)` migrates the schema and opens a pool."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        dsn: str,
        *,
        lost_attempt_retries: int = 3,
        orphaned_attempt_retries: int = 20,
    ) -> None:
        self.pool = pool
        self.dsn = dsn
        self.lost_attempt_retries = lost_attempt_retries
        self.orphaned_attempt_retries = orphaned_attempt_retries
        self.orphaned_error = orphaned_attempt_error(orphaned_attempt_retries)
        self._sql = queries()
        self._programs: dict[str, str] = {}
        self._program_keys: dict[str, str] = {}  # version -> `version:md5(text)`, see `claim`
        self._known_versions: dict[tuple[str, str], str] = {}
        self._known_rules: dict[str, FlowRule] = {}
        self._waiters = Waiters(dsn, self.outcomes)
        self._lane = CommitLane(pool, self._connect)
        self.lost_error = lost_attempt_error(lost_attempt_retries)
        self._server_settings: dict[str, str] | None = None

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        min_size: int = 0,
        max_size: int = 10,
        lost_attempt_retries: int = 3,
        orphaned_attempt_retries: int = 20,
        run_migrations: bool = True,
        idle_in_transaction_ms: int | None = None,
    ) -> PostgresStore:
        """`idle_in_transaction_ms`: how long the server lets a session of this store sit in a
        transaction between statements before it ends the session — a runner's lease, so a
        runner stopped (or cut off) inside a transaction cannot hold its row locks, and with
        them every other runner, past the time its instances are taken over."""
        refuse_malformed(dsn)
        if run_migrations:
            await migrate_async(dsn)
        settings = _session_settings(idle_in_transaction_ms)
        pool = await asyncpg.create_pool(
            dsn, min_size=min_size, max_size=max_size, init=_init_connection,
            reset=_keep_session, server_settings=settings,
        )  # fmt: skip
        assert pool is not None
        store = cls(pool, dsn, lost_attempt_retries=lost_attempt_retries,
                    orphaned_attempt_retries=orphaned_attempt_retries)  # fmt: skip
        store._server_settings = settings
        return store

    async def _connect(self) -> asyncpg.Connection:
        """A connection like the pool's, outside it (`CommitLane`)."""
        connection = await asyncpg.connect(self.dsn, server_settings=self._server_settings)
        await _init_connection(connection)
        return connection

    async def close(self) -> None:
        await self._waiters.close()
        await self._lane.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.pool.close(), 5)
        self.pool.terminate()

    # runners: the fast path -----------------------------------------------------------------

    async def claim(self, owner: str, limit: int, now: float, lease: float) -> list[Claim]:
        """Lease up to `limit` runnable instances, with their events and pending work."""
        return (await self._claim(owner, limit, now, lease, await self._focus()))[0]

    async def claim_waking(
        self, owner: str, limit: int, now: float, lease: float
    ) -> tuple[list[Claim], float | None]:
        claims, rows = await self._claim(owner, limit, now, lease, await self._focus())
        if len(claims) == limit:
            return claims, None
        # what the claim's read saw (it runs once its leases are committed), else one probe
        return claims, rows[0]["next_wake"] if rows else await self.next_wake(now)

    async def _focus(self) -> list[str] | None:
        """The only instances a claim may lease (None: any)."""
        return None

    async def _claim(
        self, owner: str, limit: int, now: float, lease: float, among: list[str] | None
    ) -> tuple[list[Claim], list[asyncpg.Record]]:
        """Lease, then read what the steps need without holding a lock (`claim_instances`,
        `claimed_instances`): a runner frozen while a large claim reaches it holds no row."""
        leased = await self.pool.fetch(
            self._sql["claim_instances"], owner, limit, now, lease, among
        )
        if not leased:
            return [], []
        known = list(self._program_keys.values())
        rows = await self.pool.fetch(
            self._sql["claimed_instances"], [row["id"] for row in leased], owner, known, now
        )
        return self._claimed(rows, now), rows

    async def next_wake(self, now: float) -> float | None:
        """The earliest `wake_at` after `now` of the instances no runner holds."""
        wake_at: float | None = await self.pool.fetchval(self._sql["next_wake"], now)
        return wake_at

    def _claimed(self, rows: list[asyncpg.Record], now: float) -> list[Claim]:
        """The claims of freshly leased rows, highest priority first."""
        claims = [self._claim_of(row, now) for row in rows]
        return sorted(claims, key=lambda claim: -claim.priority)

    def _claim_of(self, row: asyncpg.Record, now: float) -> Claim:
        version = row["workflow_version"]
        if row["wrl"] is not None:
            self._programs[version] = row["wrl"]
            self._program_keys[version] = f"{version}:{_md5(row['wrl'])}"
        return claim_of(row, self._programs.get(version, ""), now)

    def subscribe(
        self,
        on_runnable: Callable[[], None],
        on_wake: Callable[[float], None] | None = None,
        on_ended: Callable[[str], None] | None = None,
    ) -> Listener:
        """A subscription to `waymark_runnable`: new or released work (start it to listen);
        a payload is a released instance's wake-up, for `on_wake` (epoch seconds); and to
        `waymark_ended`, instances a cancel ended, for `on_ended` (their ids)."""
        channels = {ENDED_CHANNEL: on_ended} if on_ended is not None else {}
        return runnable_listener(self.dsn, RUNNABLE_CHANNEL, on_runnable, on_wake, channels)

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]:
        """Persist a group commit; returns the instances that passed the lease fence."""
        if not batch.settled and not batch.has_signals:
            query = self._sql["commit_instances_lean" if batch.lean else "commit_instances"]
            rows = await self._lane.fetch(query, owner, now, *batch.params())
            return {str(row["id"]) for row in rows}
        return await family_stable(
            lambda ordered: self._commit_settling(batch, owner, now, ordered)
        )

    async def _commit_settling(
        self, batch: CommitBatch, owner: str, now: float, ordered: bool
    ) -> set[str]:
        """`commit`, for a batch that ends instances or adds signals: one transaction."""
        async with self.pool.acquire() as connection, connection.transaction():
            params = batch.params()
            if batch.settled:  # their parents and children too, in one order (`lock_families`)
                steps = [row["id"] for row in batch.rows["s"]]
                await lock_families(self._sql, connection, steps, batch.settled,
                                    others_commit=False, ordered=ordered, doc=params[0])  # fmt: skip
            rows = await connection.fetch(self._sql["commit_instances"], owner, now, *params)
            kept = {str(row["id"]) for row in rows}
            if batch.has_signals and kept:
                await connection.fetch(
                    self._sql["commit_signals"], list(kept), now, batch.signal_rows
                )
            await self._settle(connection, [i for i in batch.settled if i in kept], now)
        return kept

    async def _settle(self, connection: Any, instance_ids: list[str], now: float) -> None:
        """Report finished children to their parents, cancel the blocking children of
        finished parents (`settle_children`), inside the caller's transaction."""
        error = cascade_error()
        while instance_ids:  # then the descendants made while the last pass waited for locks
            rows = await connection.fetch(self._sql["settle_children"], instance_ids, now, error)
            cancelled = [row for row in rows if row["id"] is not None]
            await end_open_work(self._sql, connection, cancelled, now, error)
            instance_ids = [str(row["id"]) for row in cancelled]

    async def heartbeat(self, owner: str, now: float, lease: float) -> dict[str, int]:
        """Extend `owner`'s leases; returns the instances it still holds, with their epoch."""
        rows = await self.pool.fetch(self._sql["heartbeat"], owner, now, lease)
        return {str(row["id"]): row["lease_epoch"] for row in rows}

    async def register_runner(self, runner: RunnerInfo, now: float) -> None:
        """Record a starting runner (`heartbeat` keeps its row's heartbeat current)."""
        await self.pool.execute(self._sql["register_runner"], runner.id, runner.host,
                                runner.pid, runner.worker_count, now)  # fmt: skip

    async def unregister_runner(self, runner_id: str) -> None:
        await self.pool.execute(self._sql["unregister_runner"], runner_id)

    async def list_runners(self) -> list[dict[str, Any]]:
        """Registered runners (rows of `list_runners`), most recently started first."""
        return [dict(row) for row in await self.pool.fetch(self._sql["list_runners"])]

    async def reclaim_expired_instances(
        self, now: float, limit: int = 1000, *, keep_owner: str = ""
    ) -> Reclaimed:
        """Release expired instance leases (not `keep_owner`'s); their owners' running
        attempts are orphaned (counted against `orphaned_attempt_retries`)."""
        row = await self.pool.fetchrow(
            self._sql["reclaim_expired_instances"],
            now,
            limit,
            self.orphaned_attempt_retries,
            self.orphaned_error,
            keep_owner,
        )
        assert row is not None
        return Reclaimed(instances=int(row["instances"]), failed=tuple(row["failed"]))

    async def next_lease_lapse(self, now: float, *, keep_owner: str = "") -> float | None:
        """The earliest lease expiry at or after `now` of another owner than `keep_owner`."""
        lapse: float | None = await self.pool.fetchval(
            self._sql["next_lease_lapse"], now, keep_owner
        )
        return lapse

    async def collect_garbage(self, now: float, retention: float, limit: int = 1000) -> int:
        """Delete up to `limit` instances that finished more than `retention` seconds ago."""
        rows = await self.pool.fetch(self._sql["collect_garbage"], now, retention, limit)
        return len(rows)

    # `waymark run` ---------------------------------------------------------------------------

    async def claim_among(
        self, instance_ids: Sequence[str], owner: str, limit: int, now: float, lease: float
    ) -> list[Claim]:
        """`claim`, restricted to `instance_ids` (a runner dedicated to some instances)."""
        return (await self._claim(owner, limit, now, lease, list(instance_ids)))[0]
