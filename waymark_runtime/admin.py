"""The admin API: list, show, cancel, retry, requeue and signal workflow instances, as typed
records.

`Admin(store)` works over either store (`PostgresStore`, or the `MemoryStore` of `LocalRuntime`):
what it needs of one is `store.contract.InspectionStore`. The CLI (`waymark instances`) is a thin
layer over it, and a dashboard calls it too. Values (inputs, results, errors, arguments) are the
stored JSON of `waymark_runtime.values`: inspection never imports or runs user code. Refusals are
exceptions: `UnknownInstance`, `InstanceStateError`, `InvalidOptionError` for a bad argument.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from waymark_runtime.config import Settings
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import (
    InstanceStateError,
    InternalError,
    SignalRefused,
    UnknownInstance,
    WorkflowCancelled,
)
from waymark_runtime.options import InvalidOptionError
from waymark_runtime.signals import SignalRecord, record, send
from waymark_runtime.store.contract import InspectionStore, InstanceQuery
from waymark_runtime.store.pg_rows import FINISHED
from waymark_runtime.values import error_json
from waymark_runtime.values.text import shown_text

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

Status = Literal["queued", "running", "completed", "failed", "cancelled"]
"""An instance's status; `completed`, `failed` and `cancelled` are final."""
STATUSES: tuple[Status, ...] = get_args(Status)
RETRYABLE = frozenset({"failed", "cancelled"})
LOG_LINES_SHOWN = 1000  # of an instance's workflow log, the newest


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceSummary:
    """One instance as a list shows it; times are epoch seconds."""

    id: str
    workflow: str
    version: str
    status: Status
    priority: int
    created_at: float
    updated_at: float
    finished_at: float | None
    attempt_count: int
    """How many action attempts it has made (every try of every action)."""

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True, slots=True, kw_only=True)
class AttemptRecord:
    """One try of an action: its call (stored JSON arguments), its outcome and its times."""

    node: str
    """The occurrence that dispatched it (`n1`, `n2`, ... in dispatch order); its tries share
    it."""
    attempt: int
    action: str
    """The action's import path, `module:function`."""
    args: list[Any]
    kwargs: dict[str, Any]
    status: str
    """`queued`, `running`, `completed` or `failed` (an attempt open at a cancel fails)."""
    result: Any
    error: Any
    lost_count: int
    """How often it was lost (its worker process or runner died while running it)."""
    timeout: float | None
    ready_at: float
    created_at: float
    started_at: float | None
    finished_at: float | None
    site: str | None = None
    """The DAG node of the call that dispatched it, as `waymark graph` draws it (`run.2.0`,
    `double.0`; a gather item's own node). None for attempts recorded before sites were."""
    iteration: tuple[int | str, ...] | None = None
    """Which run of `site` it was: the iteration (from 0) of each loop around the call,
    outermost first, a spread's element, and for a call inside a helper method the helper
    call's own path and DAG node first (`(1, "run.2.body.0", 0)`). `()` for a site that runs
    once; None when not recorded."""
    traceback: str | None = None
    """Where a failed attempt raised, as Python prints a traceback (when it was recorded)."""
    frames: tuple[dict[str, Any], ...] = ()
    """The same traceback's frames, innermost last: `filename`, `lineno`, `name`, `line`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SleepRecord:
    """A durable sleep: when it ends (epoch seconds), where it is (`site`, `iteration` as for
    an attempt), `finished_at` once it is over (None while the instance waits on it), and
    `started_at`, when the step that began it was committed (None for older sleeps)."""

    node: str
    wake_at: float
    site: str | None = None
    iteration: tuple[int | str, ...] | None = None
    finished_at: float | None = None
    started_at: float | None = None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class LogRecord:
    """A line of the instance's workflow log (`self.log.info(...)` in `run()` or a helper):
    `seq` numbers its lines from 0, `level` is `debug`, `info`, `warning`, `error` or
    `critical`, `function` and `line` say where in the Python source it was written, and
    `created_at` is when the step that wrote it was committed."""

    seq: int
    level: str
    message: str
    function: str
    line: int
    created_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceDetail:
    """Everything about one instance: its summary, values, lease, attempts and sleeps."""

    summary: InstanceSummary
    inputs: dict[str, Any]
    result: Any
    """The stored return value once `completed`, else None."""
    error: Any
    """The stored exception once `failed` or `cancelled` (`WorkflowCancelled`), else None."""
    lease_owner: str | None
    """The runner holding it now (None while no runner works on it)."""
    lease_expires_at: float | None
    wake_at: float | None
    """When it is next runnable while no runner holds it (None once finished)."""
    attempts: tuple[AttemptRecord, ...]
    """Every attempt, in dispatch order."""
    sleeps: tuple[SleepRecord, ...]
    """Every durable sleep, pending or finished, by wake time (a cancel drops pending ones)."""
    parent_id: str | None = None
    """The instance that started it as a child workflow (None for a root)."""
    children: tuple[InstanceSummary, ...] = ()
    """The child workflow instances it started, newest first (up to 1,000)."""
    logs: tuple[LogRecord, ...] = ()
    """Its workflow log, oldest first (the newest 1,000 lines)."""
    signals: tuple[SignalRecord, ...] = ()
    """Its signal waits and the signals sent to it, oldest first (pending ones too)."""

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def status(self) -> Status:
        return self.summary.status


@dataclass(frozen=True, slots=True, kw_only=True)
class RunnerRecord:
    """A registered runner (one `start-workers`, or a `LocalRuntime`): where it runs, when it
    started and last sent a heartbeat (epoch seconds), and how many instances it holds now."""

    id: str
    """Its owner id: the `lease_owner` of what it holds."""
    host: str
    pid: int
    worker_count: int
    started_at: float
    heartbeat_at: float
    instances: int


@dataclass(frozen=True, slots=True)
class Page:
    """Instances newest first; `next_cursor` is `after=` for the next page (None on the last)."""

    items: tuple[InstanceSummary, ...]
    next_cursor: str | None


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
        query = InstanceQuery(status=_checked_status(status), workflow=workflow,
                              created_after=created_after, created_before=created_before,
                              after=_position(after), limit=limit + 1, parent=parent,
                              text=text or None)  # fmt: skip
        rows = await self.store.list_instances(query)
        items = tuple(_summary(row, row["attempts"]) for row in rows[:limit])
        return Page(items, _cursor(rows[limit - 1]) if len(rows) > limit else None)

    async def show(self, instance_id: str) -> InstanceDetail:
        """One instance with its attempts (in dispatch order), sleeps, children and log."""
        row = await self._row(instance_id)
        attempts = await self.store.attempts_of(row["id"])
        timers = await self.store.timers_of(row["id"])
        children = await self.store.list_instances(InstanceQuery(parent=row["id"], limit=1000))
        logs = await self.store.logs_of(row["id"], LOG_LINES_SHOWN)
        detail = _detail(row, attempts, timers)
        signals = tuple(record(r) for r in await self.store.signals_of(row["id"]))
        return dataclasses.replace(detail, parent_id=row.get("parent_id"), signals=signals,
                                   children=tuple(_summary(c, c["attempts"]) for c in children),
                                   logs=tuple(LogRecord(**line) for line in logs))  # fmt: skip

    async def signal(self, instance_id: str, name: str, payload: Any = None) -> None:
        """Send signal `name` with `payload` to an unfinished instance (`waymark.send_signal`):
        the payload is validated against the type its program declares for the signal, then
        kept until a wait of that name consumes it, oldest first. An unknown instance or a
        finished one is `SignalRefused`, a name its program never waits for `UnknownSignal`,
        a payload that does not match `InvalidSignalPayload`."""
        try:
            row = await self._row(instance_id)
        except UnknownInstance as unknown:
            raise SignalRefused(f"{unknown}: nothing will receive signal {name!r}") from None
        await send(self.store, row, name, payload, self.clock())

    async def cancel(
        self, instance_id: str, reason: str = "cancelled by an administrator"
    ) -> InstanceSummary:
        """End an unfinished instance as `cancelled`; its waiters raise `WorkflowCancelled`.

        Its lease is dropped (the runner holding it lets it go at its next commit or heartbeat),
        its open attempts fail and its sleeps end; attempts already running on a worker finish,
        but their results are dropped. A finished instance is an `InstanceStateError`."""
        row = await self._row(instance_id)
        error = error_json(WorkflowCancelled(reason))
        if not await self.store.cancel(row["id"], error, self.clock()):
            row = await self._row(row["id"])
            status = row["status"]
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
        is. Any other status is an `InstanceStateError`. Returns the new instance."""
        row = await self._row(instance_id)
        if row["status"] not in RETRYABLE:
            raise InstanceStateError(
                row["id"], row["status"], f"instance {row['id']} is {row['status']}; "
                "only failed or cancelled instances can be retried",
            )  # fmt: skip
        return await self._start_again(row, str(uuid.uuid4()))

    async def runners(self) -> tuple[RunnerRecord, ...]:
        """The registered runners, most recently started first. A runner that died without
        stopping stays listed with its last heartbeat (for a day)."""
        return tuple(RunnerRecord(**row) for row in await self.store.list_runners())

    async def requeue(self, instance_id: str) -> InstanceSummary:
        """Start an instance again, from its inputs, on the newest registered version of its
        workflow, whatever its status: an unfinished one is cancelled first (its error names
        the new instance), so the two never run side by side. Returns the new instance."""
        row = await self._row(instance_id)
        new_id = str(uuid.uuid4())
        if row["status"] not in FINISHED:
            error = error_json(WorkflowCancelled(f"requeued as instance {new_id}"))
            await self.store.cancel(row["id"], error, self.clock())
        return await self._start_again(row, new_id)

    async def _start_again(self, row: dict[str, Any], new_id: str) -> InstanceSummary:
        workflow = row["workflow_name"]
        latest = await self.store.latest_version(workflow)
        if latest is None:  # its own version is registered: the instance row refers to it
            raise InternalError(f"no registered version of workflow {workflow}")
        version, wrl = latest
        spec = NewInstance(workflow=workflow, version=version, wrl=wrl, inputs=row["inputs"],
                           priority=row["priority"])  # fmt: skip
        await self.store.create_instances([spec], self.clock(), [new_id])
        return _summary(await self._row(new_id), 0)

    async def _row(self, instance_id: str) -> dict[str, Any]:
        """The instance row; a malformed or unknown id is `UnknownInstance`."""
        try:
            canonical = str(uuid.UUID(str(instance_id).strip()))
        except ValueError:
            raise UnknownInstance(str(instance_id)) from None
        row = await self.store.status(canonical)
        if row is None:
            raise UnknownInstance(canonical)
        return row


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


# rows -> records ------------------------------------------------------------------------------


def _summary(row: dict[str, Any], attempt_count: int) -> InstanceSummary:
    return InstanceSummary(
        id=row["id"], workflow=row["workflow_name"], version=row["workflow_version"],
        status=row["status"], priority=row["priority"], created_at=row["created_at"],
        updated_at=row["updated_at"], finished_at=row["finished_at"],
        attempt_count=attempt_count,
    )  # fmt: skip


def _detail(
    row: dict[str, Any], attempts: Sequence[dict[str, Any]], timers: Sequence[dict[str, Any]]
) -> InstanceDetail:
    return InstanceDetail(
        summary=_summary(row, len(attempts)), inputs=row["inputs"] or {}, result=row["result"], error=row["error"],
        lease_owner=row["lease_owner"], lease_expires_at=row["lease_expires_at"],
        wake_at=row["wake_at"], attempts=tuple(_attempt(a) for a in attempts),
        sleeps=tuple(_sleep(timer) for timer in timers),
    )  # fmt: skip


def _sleep(row: dict[str, Any]) -> SleepRecord:
    return SleepRecord(node=row["node"], wake_at=row["wake_at"], site=row["site"],
                       iteration=_iteration(row["iteration"]), finished_at=row["finished_at"],
                       started_at=row.get("started_at"))  # fmt: skip


def _iteration(stored: Any) -> tuple[int | str, ...] | None:
    return None if stored is None else tuple(stored)


def _attempt(row: dict[str, Any]) -> AttemptRecord:
    return AttemptRecord(
        node=row["node"], attempt=row["attempt"], action=row["action"], args=row["args"],
        kwargs=row["kwargs"], status=row["status"], result=row["result"], error=row["error"],
        lost_count=row["lost_count"], timeout=row["timeout_seconds"], ready_at=row["ready_at"],
        created_at=row["created_at"], started_at=row["started_at"],
        finished_at=row["finished_at"], site=row["site"], iteration=_iteration(row["iteration"]),
        **_traceback(row.get("traceback")),
    )  # fmt: skip


def _traceback(recorded: Any) -> dict[str, Any]:
    """The `traceback` and `frames` of an attempt row's `traceback` column (JSON)."""
    if not isinstance(recorded, dict):
        return {}
    frames = recorded.get("frames") or []
    return {"traceback": shown_text(recorded.get("text", "")),
            "frames": tuple({k: shown_text(v) if isinstance(v, dict) else v
                             for k, v in frame.items()} for frame in frames)}  # fmt: skip


# arguments ------------------------------------------------------------------------------------


def _checked_status(status: str | None) -> str | None:
    if status is not None and status not in STATUSES:
        raise InvalidOptionError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    return status


def _checked_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidOptionError(f"limit must be a positive integer, got {limit!r}")
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
