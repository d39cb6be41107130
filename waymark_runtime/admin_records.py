"""The admin API's records: the typed, frozen views of an instance, its attempts, sleeps, log
lines and runners, and how each is read from a store row.

It owns the shapes `Admin` returns and the row -> record mapping only: it must not query or change
a store or check arguments, and values stay the stored JSON (no user code is imported or run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from waymark_runtime.signals import SignalRecord
from waymark_runtime.store.pg_rows import FINISHED
from waymark_runtime.values.text import shown_text

Status = Literal["queued", "running", "completed", "failed", "cancelled"]
"""An instance's status; `completed`, `failed` and `cancelled` are final."""
STATUSES: tuple[Status, ...] = get_args(Status)


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
    """`queued`, `running`, `completed` or `failed` (an attempt open at a cancel fails); a
    blocking child workflow's row is `waiting` while the child runs."""
    result: Any
    error: Any
    lost_count: int
    """How often it was lost while its runner lived (its worker process died, or it passed
    the default deadline)."""
    orphaned_count: int = 0
    """How often it was found running for a runner whose lease had lapsed (the runner died or
    froze) and was run again."""
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
    """Every durable sleep, pending or finished, by wake time (a cancel drops pending ones); a
    signal wait's timeout is the wait's `times_out_at`, not a sleep."""
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


# rows -> records ------------------------------------------------------------------------------


def summary_of(row: dict[str, Any], attempt_count: int) -> InstanceSummary:
    return InstanceSummary(
        id=row["id"], workflow=row["workflow_name"], version=row["workflow_version"],
        status=row["status"], priority=row["priority"], created_at=row["created_at"],
        updated_at=row["updated_at"], finished_at=row["finished_at"],
        attempt_count=attempt_count,
    )  # fmt: skip


def detail_of(
    row: dict[str, Any], attempts: Sequence[dict[str, Any]], timers: Sequence[dict[str, Any]]
) -> InstanceDetail:
    return InstanceDetail(
        summary=summary_of(row, len(attempts)), inputs=row["inputs"] or {}, result=row["result"],
        error=row["error"],
        lease_owner=row["lease_owner"], lease_expires_at=row["lease_expires_at"],
        wake_at=row["wake_at"], attempts=tuple(_attempt(a) for a in attempts),
        sleeps=tuple(_sleep(timer) for timer in timers),
    )  # fmt: skip


def with_signals(detail: InstanceDetail, signals: Sequence[SignalRecord]) -> InstanceDetail:
    """`detail` with its signal records; the timer of a wait with a timeout (a timer on the
    wait's own node) becomes that wait's `times_out_at` and leaves the sleeps."""
    waits = {s.node for s in signals if s.kind == "wait" and s.node is not None}
    timeouts = {sleep.node: sleep.wake_at for sleep in detail.sleeps if sleep.node in waits}
    return replace(
        detail,
        sleeps=tuple(sleep for sleep in detail.sleeps if sleep.node not in waits),
        signals=tuple(
            replace(s, times_out_at=timeouts.get(s.node or "")) if s.kind == "wait" else s
            for s in signals
        ),
    )


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
        lost_count=row["lost_count"], orphaned_count=row["orphaned_count"],
        timeout=row["timeout_seconds"], ready_at=row["ready_at"],
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
