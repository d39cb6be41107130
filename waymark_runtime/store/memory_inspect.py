"""What `MemoryStore` answers to inspection (`store.contract.InspectionStore`), as pure functions.

Rows come out in the shapes the PostgreSQL store's queries give them (`instance_status`,
`instance_attempts`, `list_instances`), ordered the same way, so the admin API reads one shape
from both stores. Cancelling follows `cancel_instance`. No I/O, no clock of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from waymark_runtime.store.contract import InstanceQuery, QueueStats
from waymark_runtime.store.pg_rows import FINISHED

if TYPE_CHECKING:
    from waymark_runtime.store.memory_rows import AttemptRow, Instance

Row = dict[str, Any]
_STATUS_COLUMNS = ("id", "workflow_name", "workflow_version", "status", "priority", "inputs",
                   "result", "error", "lease_owner", "lease_expires_at", "wake_at", "created_at",
                   "updated_at", "finished_at", "parent_id", "parent_node", "blocking",
                   "depth")  # fmt: skip
_ATTEMPT_COLUMNS = ("node", "attempt", "action", "args", "kwargs", "status", "result", "error",
                    "lost_count", "orphaned_count", "ready_at", "created_at", "started_at",
                    "finished_at", "site", "iteration", "traceback")  # fmt: skip
_TIMER_COLUMNS = ("node", "wake_at", "site", "iteration", "finished_at", "started_at")
_LISTED_COLUMNS = ("id", "workflow_name", "workflow_version", "status", "priority",
                   "created_at", "updated_at", "finished_at")  # fmt: skip


def status_row(instance: Instance) -> Row:
    return {name: getattr(instance, name) for name in _STATUS_COLUMNS}


def attempt_rows(instance: Instance) -> list[Row]:
    """Every attempt, in dispatch order (`n2` before `n10`), as `instance_attempts` gives it."""
    ordered = sorted(instance.attempts.values(), key=lambda a: (len(a.node), a.node, a.attempt))
    return [_attempt_row(attempt) for attempt in ordered]


def _attempt_row(attempt: AttemptRow) -> Row:
    row = {name: getattr(attempt, name) for name in _ATTEMPT_COLUMNS}
    return {**row, "timeout_seconds": attempt.timeout}


def timer_rows(instance: Instance) -> list[Row]:
    """Every sleep, pending and finished, as `instance_timers` gives it."""
    ordered = sorted(instance.timers.values(), key=lambda t: (t.wake_at, len(t.node), t.node))
    return [{name: getattr(timer, name) for name in _TIMER_COLUMNS} for timer in ordered]


LOG_COLUMNS = ("seq", "level", "message", "function", "line")


def record_logs(instances: dict[str, Instance], rows: list[Row], kept: set[str],
                now: float) -> None:  # fmt: skip
    """The log lines of the committed steps (`commit_instances`' `l`), each line once."""
    for row in rows:
        if row["instance_id"] in kept:
            line = {name: row[name] for name in LOG_COLUMNS}
            instances[row["instance_id"]].logs.setdefault(row["seq"], {**line, "created_at": now})


def log_rows(instance: Instance, limit: int) -> list[Row]:
    """The newest `limit` lines of the instance's log, oldest first, as `instance_logs`."""
    return [instance.logs[seq] for seq in sorted(instance.logs)[-limit:]] if limit > 0 else []


def listed(instances: Iterable[Instance], query: InstanceQuery) -> list[Row]:
    """`list_instances`: the page of `query`, newest first."""
    chosen = [(_position(i), i) for i in instances if _matches(i, query)]
    if query.after is not None:
        chosen = [(key, i) for key, i in chosen if key < query.after]
    chosen.sort(key=lambda pair: pair[0], reverse=True)
    return [_listed_row(instance, key[0]) for key, instance in chosen[: query.limit]]


def _position(instance: Instance) -> tuple[int, str]:
    """The keyset position: creation time in microseconds (as PostgreSQL keeps it), id."""
    return round(instance.created_at * 1_000_000), instance.id


def _matches(instance: Instance, query: InstanceQuery) -> bool:
    return (
        query.status in (None, instance.status)
        and query.workflow in (None, instance.workflow_name)
        and query.parent in (None, instance.parent_id)
        and (query.created_after is None or instance.created_at >= query.created_after)
        and (query.created_before is None or instance.created_at < query.created_before)
        and (query.text is None or _contains(instance, query.text.lower()))
    )


def _contains(instance: Instance, text: str) -> bool:
    """`list_instances`' text filter: the id or the stored JSON of inputs, result, error."""
    values = (instance.inputs, instance.result, instance.error)
    return text in instance.id or any(
        value is not None and text in json.dumps(value, separators=(",", ":")).lower()
        for value in values
    )


def _listed_row(instance: Instance, created_us: int) -> Row:
    row = {name: getattr(instance, name) for name in _LISTED_COLUMNS}
    return {**row, "created_us": created_us, "attempts": len(instance.attempts)}


def cancel(instance: Instance, error: Any, now: float, status: str = "cancelled") -> bool:
    """End an unfinished instance as `status` (cancelled, or failed past its deadline): its
    lease and pending sleeps go, open attempts fail."""
    if instance.status in FINISHED:
        return False
    instance.status, instance.result, instance.error = status, None, error
    instance.finished_at = instance.updated_at = now
    instance.lease_owner = instance.lease_expires_at = instance.wake_at = None
    for attempt in instance.attempts.values():
        if attempt.status in ("queued", "running", "waiting"):
            attempt.hold_slot()
            attempt.status, attempt.error, attempt.finished_at = "failed", error, now
            attempt.consumed, attempt.lease_owner = True, None
    for node in [n for n, timer in instance.timers.items() if timer.finished_at is None]:
        del instance.timers[node]
    return True


def queue_stats(instances: Iterable[Instance], now: float) -> QueueStats:
    """`queue_stats` of the instances: by status, and the runnable ones at `now`."""
    by_status: dict[str, int] = {}
    waits = []
    for instance in instances:
        by_status[instance.status] = by_status.get(instance.status, 0) + 1
        due = instance.wake_at
        if instance.lease_owner is None and due is not None and due <= now:
            waits.append(now - due)
    return QueueStats(
        by_status=by_status, runnable=len(waits), oldest_wait=max(waits, default=None)
    )
