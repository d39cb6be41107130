"""The PostgreSQL client: submit workflow instances and wait for their outcomes.

`default_client()` is the backend `Workflow.run()` uses outside a `LocalRuntime`; `connect(dsn)`
makes a client of another database current for a block. Submitting is
one statement (program version upsert + instance insert + NOTIFY); waiting is a LISTEN on
`waymark_done`, never a polling loop. Connections are per event loop, so `asyncio.run` may be
called many times in one process. It runs no workflow logic and imports nothing a stored value
names.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg

from waymark_runtime.admin import Admin, canonical_id
from waymark_runtime.config import Settings
from waymark_runtime.embedded import database_url
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import (
    DatabaseUnreachable,
    InvalidDatabaseUrl,
    NoRuntimeError,
    UnknownInstance,
    clipped,
)
from waymark_runtime.flow import rules_of
from waymark_runtime.options import StartOptions, checked_name, checked_wait
from waymark_runtime.outcomes import exception_of, result_of
from waymark_runtime.reaching import Effect, reached, reaching
from waymark_runtime.reaching_admin import admin_of
from waymark_runtime.store import postgres
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.tracing import start_trace
from waymark_runtime.values import inputs_json
from waymark_runtime.workflows import (
    WorkflowDefinition,
    current_backend,
    current_backend_or_none,
    family_of,
    reset_backend,
    use_backend,
)

if TYPE_CHECKING:
    from waymark_runtime.local import LocalRuntime

__all__ = [
    "InstanceStatus",
    "PostgresClient",
    "admin",
    "cancel",
    "connect",
    "default_client",
    "exception_of",
    "get_result",
    "get_status",
    "send_signal",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceStatus:
    """What `get_status` reports; times are epoch seconds."""

    id: str
    workflow: str
    version: str
    status: str
    """`queued`, `running`, or (finished) `completed`, `failed`, `cancelled`."""
    priority: int
    created_at: float
    updated_at: float
    finished_at: float | None


class PostgresClient:
    """A `Backend` on PostgreSQL (`WAYMARK_DATABASE_URL`, or the embedded server)."""

    def __init__(self, settings: Settings | None = None, *, dsn: str | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._dsn = dsn
        self._per_loop: dict[asyncio.AbstractEventLoop, asyncio.Task[_Submitter]] = {}
        self._migrated = False

    async def run_workflow(
        self, definition: WorkflowDefinition, inputs: dict[str, Any], options: StartOptions
    ) -> Any:
        """Queue an instance (or join the one holding its idempotency key); return its result
        (blocking) or its id."""
        family = family_of(definition)
        spec = NewInstance(
            workflow=checked_name(definition.name, "workflow name"),
            version=definition.version,
            wrl=definition.wrl,
            inputs=inputs_json(inputs, self.settings.max_payload_bytes),
            priority=options.priority,
            idempotency_key=options.idempotency_key,
            deadline=options.deadline(postgres.now()),
            trace=start_trace(definition.name),
            family=tuple((d.name, d.version, d.wrl) for d in family),
            flow=rules_of(definition, family),
        )
        call = f"run() of workflow {clipped(definition.name)}"
        instance_id = str(uuid.uuid4())
        if not options.blocking or self.settings.skip_wait_for_instance:
            async with reaching(self, call, Effect.START):
                return await (await self._submitter()).submit(spec, instance_id)
        async with reaching(self, call, Effect.READ):  # listening first sends no start
            store = await self.store()
            future = await store.expect(instance_id)
        try:
            async with reaching(self, call, Effect.START):
                joined = await (await self._submitter()).submit(spec, instance_id)
            if joined != instance_id:
                return result_of(await store.wait_outcome(joined))
            return result_of(await future)
        finally:
            store.forget(instance_id, future)

    async def get_result(self, instance_id: str, timeout: float | None = None) -> Any:
        """Wait for an instance; its result, or raise what failed it (TimeoutError on timeout,
        `UnknownInstance` for an id no instance has)."""
        canonical = canonical_id(instance_id)
        store = await self.store()
        try:
            outcome = await store.wait_outcome(canonical, timeout)
        except KeyError:
            raise UnknownInstance(canonical) from None
        return result_of(outcome)

    async def get_status(self, instance_id: str) -> InstanceStatus | None:
        canonical = known_form(instance_id)
        if canonical is None:
            return None
        store = await self.store()
        return status_of(await store.status(canonical))

    async def store(self) -> PostgresStore:
        """This event loop's store (opened, and the schema migrated, on first use)."""
        return (await self._submitter()).store

    async def _submitter(self) -> _Submitter:
        loop = asyncio.get_running_loop()
        self._forget_closed_loops()
        opening = self._per_loop.get(loop)
        if opening is None or (opening.done() and opening.exception() is not None):
            opening = self._per_loop[loop] = loop.create_task(self._open())
        return await asyncio.shield(opening)

    async def _open(self) -> _Submitter:
        if self._dsn is None:
            self._dsn = await asyncio.to_thread(database_url, self.settings)
        store = await PostgresStore.open(self._dsn, max_size=10, run_migrations=not self._migrated)
        self._migrated = True
        submitter = _Submitter(store)
        await submitter.closer.__anext__()  # the loop now finalizes it when it shuts down
        return submitter

    def _forget_closed_loops(self) -> None:
        """Each event loop has its own connections, closed when the loop shuts down (see
        `_Submitter.closer`); closed loops are forgotten here."""
        for loop in [loop for loop in self._per_loop if loop.is_closed()]:
            del self._per_loop[loop]

    async def close(self) -> None:
        """Close this event loop's connections."""
        opening = self._per_loop.pop(asyncio.get_running_loop(), None)
        if opening is not None and opening.done() and opening.exception() is None:
            await opening.result().closer.aclose()


class _Submitter:
    """Group inserts: runs submitted while an insert is in flight go in the next one, so 200
    concurrent `run()` calls cost a few statements, not 200 commits. Each submission learns
    the id of the instance it created, or joined (a taken idempotency key)."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store
        self.pending: list[_Submission] = []
        self.flushing: asyncio.Task[None] | None = None
        self.closer = self._close_with_loop()

    async def _close_with_loop(self) -> AsyncGenerator[None, None]:
        """An async generator left suspended: `asyncio.run` (and any well-behaved loop owner)
        finalizes open generators before closing the loop, which closes the connections."""
        try:
            yield
        finally:
            await self.store.close()

    async def submit(self, spec: NewInstance, instance_id: str) -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.pending.append((spec, instance_id, future))
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.ensure_future(self._flush())
        return await future

    async def _flush(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                await self._insert(batch)
            except Exception:  # retried one by one, so each caller gets its own error
                for one in batch:
                    await self._insert_alone(one)

    async def _insert(self, batch: list[_Submission]) -> None:
        specs = [spec for spec, _, _ in batch]
        ids = await self.store.create_instances(specs, postgres.now(), [i for _, i, _ in batch])
        for (_, _, future), joined in zip(batch, ids, strict=True):
            if not future.done():
                future.set_result(joined)

    async def _insert_alone(self, one: _Submission) -> None:
        try:
            await self._insert([one])
        except Exception as error:
            if not one[2].done():
                one[2].set_exception(error)


_Submission = tuple[NewInstance, str, "asyncio.Future[str]"]


def status_of(row: dict[str, Any] | None) -> InstanceStatus | None:
    """The status record of an instance row (`InspectionStore.status`), None for no row."""
    if row is None:
        return None
    return InstanceStatus(
        id=row["id"],
        workflow=row["workflow_name"],
        version=row["workflow_version"],
        status=row["status"],
        priority=row["priority"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        finished_at=row["finished_at"],
    )


_default: PostgresClient | None = None


def default_client() -> PostgresClient:
    """The process-wide client, configured from the environment on first use.

    Inside a pytest test with no database configured it refuses (`NoRuntimeError`) rather than
    boot an embedded server for a test that forgot its `LocalRuntime`."""
    global _default
    if _default is None:
        if "PYTEST_CURRENT_TEST" in os.environ and not _database_configured():
            raise NoRuntimeError()
        _default = PostgresClient()
    return _default


def _database_configured() -> bool:
    return any(os.environ.get(name) for name in ("WAYMARK_DATABASE_URL", "WAYMARK_HOME"))


@contextlib.asynccontextmanager
async def connect(dsn: str | None = None) -> AsyncIterator[PostgresClient]:
    """A client of the database at `dsn`, current in this context until the block ends and
    closed then: `Workflow.run()`, `get_result`, `get_status`, `cancel`, `send_signal`, `admin()`
    and the schedule functions use it. `dsn` is a `postgresql://` URL (by default
    `WAYMARK_DATABASE_URL`, else the embedded server). It connects (migrating the schema) on
    entry, so a malformed URL raises `InvalidDatabaseUrl` and a database it cannot reach
    `DatabaseUnreachable` there, not at the first `run()`. A call made in the block when the
    database has gone away raises `DatabaseUnreachable` too (`waymark_runtime.reaching`)."""
    client = PostgresClient(dsn=None if dsn is None else checked_dsn(dsn))
    await _reach(client)
    token = use_backend(client)
    try:
        yield client
    finally:
        reset_backend(token)
        await client.close()


_SCHEMES = ("postgresql", "postgres")  # what asyncpg accepts


def checked_dsn(dsn: object) -> str:
    """`dsn` when it is a PostgreSQL URL; checked here because asyncpg takes an empty one for
    its defaults (a local server) and a non-string for a bug of its own."""
    if not isinstance(dsn, str):
        raise InvalidDatabaseUrl(f"a database URL is a str, got {type(dsn).__name__}")
    scheme, found, _ = dsn.strip().partition("://")
    if not found or scheme.lower() not in _SCHEMES:
        got = f", got {scheme}://" if found and scheme.isalnum() else ""  # never the password
        raise InvalidDatabaseUrl(
            f"malformed database URL: it starts with postgresql:// or postgres://{got}"
        )
    return dsn


async def _reach(client: PostgresClient) -> None:
    """Open the client's connections; what asyncpg refuses becomes one of our two errors."""
    try:
        await client.store()
    except (asyncpg.ClientConfigurationError, ValueError) as error:  # a port that is not a number
        raise InvalidDatabaseUrl(f"malformed database URL: {error}") from error
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DatabaseUnreachable(f"cannot reach the database: {error}") from error


def current_client() -> PostgresClient:
    """The client made current in this context (`use_backend`), else the process-wide one."""
    backend = current_backend()
    return backend if isinstance(backend, PostgresClient) else default_client()


def _local() -> LocalRuntime | None:
    """The `LocalRuntime` current in this context, if one is."""
    from waymark_runtime.local import LocalRuntime

    backend = current_backend_or_none()
    return backend if isinstance(backend, LocalRuntime) else None


@reached(Effect.READ)
async def get_result(instance_id: str, timeout: float | None = None) -> Any:
    """Wait for a non-blocking run's outcome: its result, or raise what failed it
    (`WorkflowCancelled` for a cancelled instance, `TimeoutError` after `timeout` seconds;
    `InvalidOptionError` for a timeout that is not zero or more seconds, NaN included)."""
    seconds = checked_wait(timeout)
    local = _local()
    if local is not None:
        return await local.result(instance_id, seconds)
    return await current_client().get_result(instance_id, seconds)


@reached(Effect.READ)
async def get_status(instance_id: str) -> InstanceStatus | None:
    """The status of an instance, or None for an unknown id (`TypeError` for a value that is
    not an id: `123`, `None`)."""
    local = _local()
    if local is None:
        return await current_client().get_status(instance_id)
    canonical = known_form(instance_id)
    return None if canonical is None else status_of(await local.store.status(canonical))


def known_form(instance_id: object) -> str | None:
    """`canonical_id`, or None for a string that is no instance id (so no instance has it)."""
    try:
        return canonical_id(instance_id)
    except UnknownInstance:
        return None


@reached(Effect.READ)
async def admin() -> Admin:
    """The admin API (list, show, cancel, retry, requeue) over the current backend's instances:
    the `LocalRuntime` of this context, else PostgreSQL."""
    local = _local()
    if local is not None:
        return local.admin()
    client = current_client()
    return admin_of(client, await client.store())


@reached(Effect.REPEATABLE)
async def cancel(instance_id: str, reason: str = "cancelled") -> None:
    """Cancel an unfinished instance: it ends as `cancelled`, its pending sleeps and queued
    attempts are dropped, results of attempts still running are discarded, and its waiters
    raise `WorkflowCancelled(reason)`. An unknown id is `UnknownInstance`; a completed or failed
    instance is an `InstanceStateError`. A cancelled one is left as it is, so a cancel made
    again after its answer was lost returns normally. The same call as
    `waymark instances cancel`."""
    await (await admin()).cancel(instance_id, reason)


@reached(Effect.SIGNAL)
async def send_signal(
    instance_id: str, name: str, payload: Any = None, *, send_id: str | None = None
) -> None:
    """Send signal `name` to a running instance, from any process: `payload` is validated
    against the type the workflow declares (`await self.wait_for_signal(name, Type)`) and kept
    until the instance waits for that name (oldest first, each consumed once). Refused at once
    (`SignalError`): an unknown or finished instance (`SignalRefused`), a name its program
    never waits for (`UnknownSignal`), a payload that does not match (`InvalidSignalPayload`).
    `send_id` (a string of the caller's) makes the call safe to make again: a send id this
    instance kept already keeps nothing more, and the same id with another name or payload is
    `SendIdReused`. The same call as `waymark instances signal`."""
    await (await admin()).signal(instance_id, name, payload, send_id=send_id)
