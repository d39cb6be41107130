"""`CommitBatch`: the rows of one group commit, gathered as parallel columns for `unnest`.

A runner (or `PostgresStore.commit_steps`) records what each step changed; `params()` turns the
batch into the arguments of the `commit_instances` query, so any number of steps costs one
statement. JSON values are encoded here, once. This module builds parameters and runs nothing.
"""

from __future__ import annotations

import json
from typing import Any

from waymark_runtime.engine import Outcome, PlannedAction


def dumps(value: Any) -> str:
    """JSON text of a JSON-shaped value, as PostgreSQL's `json` input expects it."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


_KEEP: Any = object()


class CommitBatch:
    """Everything one commit writes; instances first, then their attempts and timers."""

    KEEP = _KEEP

    def __init__(self) -> None:
        self.instances: list[list[Any]] = [[] for _ in range(8)]
        self.attempt_ops: list[list[Any]] = [[] for _ in range(7)]
        self.new_attempts: list[list[Any]] = [[] for _ in range(10)]
        self.timers_done: list[list[Any]] = [[], []]
        self.timers_added: list[list[Any]] = [[], [], []]

    def __len__(self) -> int:
        return len(self.instances[0])

    def instance(
        self,
        instance_id: str,
        *,
        state: Any = _KEEP,
        outcome: Outcome | None = None,
        release: bool = False,
        wake_at: float | None = None,
        seq: int | None = None,
    ) -> None:
        """Update one instance (once per batch); `release` gives its lease up until `wake_at`."""
        status = None if outcome is None else "completed" if outcome.ok else "failed"
        value = None if outcome is None else dumps(outcome.value)
        row = (
            instance_id,
            None if state is _KEEP else dumps(state),
            status,
            value if status == "completed" else None,
            value if status == "failed" else None,
            release,
            wake_at,
            seq,
        )
        _append(self.instances, row)

    def finish(self, instance_id: str, node: str, attempt: int, ok: bool, value: Any) -> None:
        """Record an attempt's result, consumed by the step in this same batch."""
        status = "completed" if ok else "failed"
        _append(self.attempt_ops, (instance_id, node, attempt, "finish", status, dumps(value), 0))

    def consume(self, instance_id: str, node: str, attempt: int) -> None:
        """Mark a result recorded earlier (an event read at claim time) as consumed."""
        _append(self.attempt_ops, (instance_id, node, attempt, "consume", None, None, 0))

    def start(self, instance_id: str, node: str, attempt: int, lost: int = 0) -> None:
        """A queued attempt now runs on the committing owner's workers (`lost`: a lost try)."""
        _append(self.attempt_ops, (instance_id, node, attempt, "start", None, None, lost))

    def requeue(self, instance_id: str, node: str, attempt: int, lost: int = 0) -> None:
        """An attempt goes back to the queue (its instance is being released)."""
        _append(self.attempt_ops, (instance_id, node, attempt, "requeue", None, None, lost))

    def extend(self, other: CommitBatch) -> None:
        """Append another batch's rows (a group commit is the union of per-instance batches)."""
        for mine, theirs in zip(self._groups(), other._groups(), strict=True):
            for column, more in zip(mine, theirs, strict=True):
                column.extend(more)

    def _groups(self) -> tuple[list[list[Any]], ...]:
        return (
            self.instances,
            self.attempt_ops,
            self.new_attempts,
            self.timers_done,
            self.timers_added,
        )

    def add_attempt(
        self, instance_id: str, action: PlannedAction, *, running: bool, owned: bool
    ) -> None:
        """Insert an attempt: `running` on the owner's workers now, else queued until ready."""
        row = (
            instance_id,
            action.node,
            action.attempt,
            action.action,
            dumps(list(action.args)),
            dumps(action.kwargs),
            action.timeout,
            action.ready_at,
            running,
            owned,
        )
        _append(self.new_attempts, row)

    def drop_timer(self, instance_id: str, node: str) -> None:
        _append(self.timers_done, (instance_id, node))

    def add_timer(self, instance_id: str, node: str, wake_at: float) -> None:
        _append(self.timers_added, (instance_id, node, wake_at))

    def params(self) -> list[Any]:
        """The `commit_instances` arguments after `$1 owner, $2 now, $3 lease`."""
        columns = (
            self.instances,
            self.attempt_ops,
            self.new_attempts,
            self._timers_done_not_re_added(),
            self.timers_added,
        )
        return [column for group in columns for column in group]

    def _timers_done_not_re_added(self) -> list[list[Any]]:
        """A sleep node set again in this batch is updated, not deleted (one change per row)."""
        added = set(zip(self.timers_added[0], self.timers_added[1], strict=True))
        kept = [row for row in zip(*self.timers_done, strict=True) if row not in added]
        return [[row[0] for row in kept], [row[1] for row in kept]]


def _append(columns: list[list[Any]], row: tuple[Any, ...]) -> None:
    for column, value in zip(columns, row, strict=True):
        column.append(value)
