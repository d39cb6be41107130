"""The admin API: list, show, cancel, retry, requeue and signal workflow instances, as typed
records.

`Admin(store)` works over either store (`PostgresStore`, or the `MemoryStore` of `LocalRuntime`):
what it needs of one is `store.contract.InspectionStore`. The CLI (`waymark instances`) is a thin
layer over it, and a dashboard calls it too. Values (inputs, results, errors, arguments) are the
stored JSON of `waymark_runtime.values`: inspection never imports or runs user code. Refusals are
exceptions: `UnknownInstance`, `InstanceStateError`, `InvalidOptionError` for a bad argument.
The records it returns are defined in `admin_records` and importable from here, their documented
home; this module must not build a record from a row itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from waymark_runtime.admin_records import (
    STATUSES,
    AttemptRecord,
    InstanceDetail,
    InstanceSummary,
    LogRecord,
    Page,
    RunnerRecord,
    SleepRecord,
    Status,
    detail_of,
    summary_of,
    with_signals,
)
from waymark_runtime.config import Settings
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import (
    InstanceStateError,
    InternalError,
    SignalRefused,
    UnknownInstance,
    WorkflowCancelled,
    clipped,
)
from waymark_runtime.options import InvalidOptionError, checked_text
from waymark_runtime.signals import SignalRecord, record, send
from waymark_runtime.store.contract import InspectionStore, InstanceQuery
from waymark_runtime.values import error_json

__all__ = [
    "Admin",
    "AttemptRecord",
    "InstanceDetail",
    "InstanceSummary",
    "LogRecord",
    "Page",
    "RunnerRecord",
    "SignalRecord",
    "SleepRecord",
    "Status",
    "connect",
]

RETRYABLE = frozenset({"failed", "cancelled"})
LOG_LINES_SHOWN = 1000  # of an instance's workflow log, the newest


class Admin:
    """Inspect and steer the instances of one store: `Admin(store)`; `clock` gives "now"."""

    def __init__(self, store: InspectionStore, *, clock: Callable[[], float] | None = None) -> None:
        self.store = store
        self.clock = clock or _system_now

    async def list(
        self,
        *,
        status: str | None = None,
        workflow: str | None = None,
        created_after: float | None = None,
        created_before: float | None = None,
        limit: int = 50,
        after: str | None = None,
        parent: str | None = None,
        text: str | None = None,
    ) -> Page:
        """A page of instances, newest first, created in [`created_after`, `created_before`)
        (with `parent`, only the child workflows that instance started); with `text`, only
        those whose id or stored inputs, result or error contain it (case-insensitive)."""
        limit = _checked_limit(limit)
        if parent is not None:
            parent = (await self._row(parent))["id"]
        workflow = None if workflow is None else checked_text(workflow, "workflow")
        query = InstanceQuery(status=_checked_status(status), workflow=workflow,
                              created_after=created_after, created_before=created_before,
                              after=_position(after), limit=limit + 1, parent=parent,
                              text=checked_text(text, "text") if text else None)  # fmt: skip
        rows = await self.store.list_instances(query)
        items = tuple(summary_of(row, row["attempts"]) for row in rows[:limit])
        return Page(items, _cursor(rows[limit - 1]) if len(rows) > limit else None)

    async def show(self, instance_id: str) -> InstanceDetail:
        """One instance with its attempts (in dispatch order), sleeps, children and log."""
        row = await self._row(instance_id)
        attempts = await self.store.attempts_of(row["id"])
        timers = await self.store.timers_of(row["id"])
        children = await self.store.list_instances(InstanceQuery(parent=row["id"], limit=1000))
        logs = await self.store.logs_of(row["id"], LOG_LINES_SHOWN)
        signals = [record(r) for r in await self.store.signals_of(row["id"])]
        detail = with_signals(detail_of(row, attempts, timers), signals)
        return dataclasses.replace(detail, parent_id=row.get("parent_id"),
                                   children=tuple(summary_of(c, c["attempts"]) for c in children),
                                   logs=tuple(LogRecord(**line) for line in logs))  # fmt: skip

    async def signal(
        self, instance_id: str, name: str, payload: Any = None, *, send_id: str | None = None
    ) -> None:
        """Send signal `name` with `payload` to an unfinished instance (`waymark.send_signal`):
        the payload is validated against the type its program declares for the signal, then
        kept until a wait of that name consumes it, oldest first. An unknown instance or a
        finished one is `SignalRefused`, a name its program never waits for `UnknownSignal`,
        a payload that does not match `InvalidSignalPayload`; a `send_id` kept already keeps
        nothing more (`SendIdReused` when it was kept for another signal)."""
        try:
            row = await self._row(instance_id)
        except UnknownInstance as unknown:
            raise SignalRefused(f"{unknown}: nothing will receive signal {clipped(name)}") from None
        await send(self.store, row, name, payload, self.clock(), send_id)

    async def cancel(
        self, instance_id: str, reason: str = "cancelled by an administrator"
    ) -> InstanceSummary:
        """End an unfinished instance as `cancelled`; its waiters raise `WorkflowCancelled`.

        Its lease is dropped (the runner holding it lets it go at its next commit or heartbeat),
        its open attempts fail and its sleeps end; attempts already running on a worker finish,
        but their results are dropped. Cancelling a cancelled instance again (a call made again
        after its answer was lost) changes nothing and returns it as it is; a completed or
        failed instance is an `InstanceStateError`."""
        row = await self._row(instance_id)
        error = error_json(WorkflowCancelled(reason))
        if not await self.store.cancel(row["id"], error, self.clock()):
            status = (await self._row(row["id"]))["status"]
            if status != "cancelled":
                raise InstanceStateError(
                    row["id"],
                    status,
                    f"instance {row['id']} already finished ({status}); nothing to cancel",
                )
        return (await self.show(row["id"])).summary

    async def retry(self, instance_id: str) -> InstanceSummary:
        """Run a failed or cancelled instance again, from the start, as a new instance.

        The new instance has the same inputs and priority and runs the newest registered
        version of the workflow (a retry usually follows a fix); the old one is kept as it
        is. Any other status is an `InstanceStateError`. Returns the new instance.

        An instance is restarted once: a retry (or requeue) made again, say after its answer
        was lost, returns the instance the first one created and creates none, and two made
        at once create one. To try once more when that instance fails too, retry it."""
        return (await self.again(instance_id, requeue=False))[0]

    async def runners(self) -> tuple[RunnerRecord, ...]:
        """The registered runners, most recently started first. A runner that died without
        stopping stays listed with its last heartbeat (for a day)."""
        return tuple(RunnerRecord(**row) for row in await self.store.list_runners())

    async def requeue(self, instance_id: str) -> InstanceSummary:
        """Start an instance again, from its inputs, on the newest registered version of its
        workflow, whatever its status: an unfinished one is cancelled first (its error names
        the new instance), so the two never run side by side. Returns the new instance; as
        with `retry`, made again it returns the instance the first one created."""
        return (await self.again(instance_id, requeue=True))[0]

    async def again(self, instance_id: str, *, requeue: bool) -> tuple[InstanceSummary, bool]:
        """`requeue` (else `retry`) the instance; with whether this call created the instance
        returned (False: an earlier retry or requeue of it did, and it is returned as it is
        now). The cancel, the new instance and the record of it on the old one are made in
        one transaction, under the old one's row lock."""
        row = await self._row(instance_id)
        if not requeue and row["status"] not in RETRYABLE:
            raise InstanceStateError(
                row["id"], row["status"], f"instance {row['id']} is {row['status']}; "
                "only failed or cancelled instances can be retried",
            )  # fmt: skip
        new_id = str(uuid.uuid4())
        cancel = (
            error_json(WorkflowCancelled(f"requeued as instance {new_id}")) if requeue else None
        )
        workflow = row["workflow_name"]
        latest = await self.store.latest_version(workflow)
        if latest is None:  # its own version is registered: the instance row refers to it
            raise InternalError(f"no registered version of workflow {workflow}")
        version, wrl = latest
        spec = NewInstance(workflow=workflow, version=version, wrl=wrl, inputs=row["inputs"],
                           priority=row["priority"])  # fmt: skip
        made = await self.store.start_again(row["id"], spec, self.clock(), new_id, cancel)
        if made is None:
            raise UnknownInstance(row["id"])
        if made == new_id:
            return summary_of(await self._row(new_id), 0), True
        return (await self.show(made)).summary, False

    async def _row(self, instance_id: str) -> dict[str, Any]:
        """The instance row; a malformed or unknown id is `UnknownInstance`."""
        canonical = canonical_id(instance_id)
        row = await self.store.status(canonical)
        if row is None:
            raise UnknownInstance(canonical)
        return row


def canonical_id(instance_id: object) -> str:
    """An instance id in its canonical form (a UUID's text); a malformed one is
    `UnknownInstance`, a value that is not an id at all (`123`, `None`) a `TypeError`."""
    if not isinstance(instance_id, str | uuid.UUID):
        kind = type(instance_id).__name__
        raise TypeError(f"an instance id is a str (or a uuid.UUID), not {kind}: {instance_id!r}")
    try:
        return str(uuid.UUID(str(instance_id).strip()))
    except ValueError:
        raise UnknownInstance(str(instance_id)) from None


@contextlib.asynccontextmanager
async def connect(settings: Settings | None = None) -> AsyncIterator[Admin]:
    """An `Admin` over the PostgreSQL store of `settings` (default: from the environment,
    the embedded server when no `WAYMARK_DATABASE_URL`), closed at the end."""
    from waymark_runtime.embedded import database_url
    from waymark_runtime.store.postgres import PostgresStore

    settings = settings or Settings.from_env()
    dsn = await asyncio.to_thread(database_url, settings)
    store = await PostgresStore.open(dsn, max_size=4)
    try:
        yield Admin(store)
    finally:
        await store.close()


def _system_now() -> float:
    from waymark_runtime.store.postgres import now

    return now()


# arguments ------------------------------------------------------------------------------------


def _checked_status(status: str | None) -> str | None:
    if status is not None and status not in STATUSES:
        raise InvalidOptionError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    return status


MAX_PAGE = 10_000  # instances one page lists; `after` reaches the rest


def _checked_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidOptionError(f"limit must be a positive integer, got {limit!r}")
    if limit > MAX_PAGE:
        raise InvalidOptionError(f"limit must be at most {MAX_PAGE:,}, got {limit!r}")
    return limit


def _cursor(row: dict[str, Any]) -> str:
    """The opaque position after `row`: its creation time in microseconds and its id."""
    return f"{row['created_us']}_{row['id']}"


def _position(cursor: str | None) -> tuple[int, str] | None:
    if cursor is None:
        return None
    micros, _, instance_id = cursor.partition("_")
    try:
        return int(micros), str(uuid.UUID(instance_id))
    except ValueError:
        raise InvalidOptionError(f"not a cursor of this listing: {cursor!r}") from None
