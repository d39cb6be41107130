"""The rows of `MemoryStore`: the tables of the PostgreSQL schema as dataclasses.

An `Instance` holds its own attempts (`AttemptRow`), durable sleeps (`TimerRow`) and workflow log
lines, as the schema's tables keyed by instance do; `Queued` is an entry of the store's claim
queue. Data only: the store and its `memory_*` modules change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.pg_rows import outcome_of

Row = dict[str, Any]


@dataclass(slots=True, kw_only=True)
class Instance:
    id: str
    workflow_name: str
    workflow_version: str
    inputs: Any
    priority: int
    created_at: float
    wake_at: float | None
    state: Any = None
    status: str = "queued"
    result: Any = None
    error: Any = None
    lease_owner: str | None = None
    lease_expires_at: float | None = None
    lease_epoch: int = 0
    event_seq: int = 0
    finished_at: float | None = None
    updated_at: float = 0.0
    trace_parent: str | None = None
    idempotency_key: str | None = None
    deadline_at: float | None = None
    attempts: dict[tuple[str, int], AttemptRow] = field(default_factory=dict)
    timers: dict[str, TimerRow] = field(default_factory=dict)
    logs: dict[int, Row] = field(default_factory=dict)  # the workflow log, by line number
    parent_id: str | None = None
    parent_node: str | None = None
    blocking: bool = True
    depth: int = 0
    pins: dict[str, str] | None = None
    flow_key: str | None = None
    restarted_as: str | None = None  # the instance its retry or requeue created
    flow_seq: int = 0
    flow_waiting: bool = False

    def outcome(self) -> InstanceOutcome | None:
        return outcome_of({"status": self.status, "result": self.result, "error": self.error})


@dataclass(slots=True, kw_only=True)
class TimerRow:
    """A durable sleep: pending until `finished_at` is set (the row is kept after)."""

    node: str
    wake_at: float
    site: str | None = None
    iteration: Any = None
    finished_at: float | None = None
    started_at: float | None = None


class Queued(NamedTuple):
    """An instance in the claim queue (a heap: highest priority, then earliest wake, first)."""

    rank: int  # -priority
    wake_at: float
    order: int
    instance_id: str


@dataclass(slots=True, kw_only=True)
class AttemptRow:
    node: str
    attempt: int
    action: str
    args: Any
    kwargs: Any
    timeout: float | None
    ready_at: float
    created: int
    created_at: float
    status: str = "queued"
    consumed: bool = False
    lost_count: int = 0
    orphaned_count: int = 0
    lease_owner: str | None = None
    result: Any = None
    error: Any = None
    started_at: float | None = None
    finished_at: float | None = None
    site: str | None = None
    iteration: Any = None
    traceback: Any = None
    child_id: str | None = None
    gated: bool = False  # started through the gate (`memory_flow`): it takes a slot
    executing: bool = False
    """Granted through the gate, and its execution has not ended (`execution_ended`)."""
    slot_held: bool = False
    """Ended by a cancel, or by its instance finishing without it, while it executed: it keeps
    its slot until its execution ends, as `slot_until` keeps it on PostgreSQL (`hold_slot`)."""

    def hold_slot(self) -> None:
        """It ends while it may still execute: its slot stays taken until the execution ends."""
        self.slot_held = self.executing and self.gated and self.status == "running"

    def row(self) -> dict[str, Any]:
        """The shape `claim_instances` gives an attempt (see `pg_rows.split_attempts`)."""
        return {"node": self.node, "attempt": self.attempt, "status": self.status,
                "action": self.action, "args": self.args, "kwargs": self.kwargs,
                "timeout": self.timeout, "ready_at": self.ready_at,
                "lost_count": self.lost_count, "result": self.result,
                "error": self.error, "site": self.site}  # fmt: skip

    def order(self) -> tuple[bool, float, int]:
        return (self.finished_at is None, self.finished_at or 0.0, self.created)
