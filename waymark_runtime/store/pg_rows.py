"""Rows of a store as Python records: what a claim gives the runner.

`Claim` (the instance, its `ClaimedAttempt`s and sleeps, its epoch), the `Cursor` of consumed
events, and how a claimed row — in the shape `claim_instances` returns it, from PostgreSQL or
from `MemoryStore` — becomes a `Claim`. Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from waymark_runtime.effects import ActionFinished, Event, SignalReceived, SleepFinished
from waymark_runtime.engine import ClaimedInstance, Family
from waymark_runtime.step_plan import InstanceOutcome


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedAttempt:
    """An attempt of a claimed instance that has no result yet (queued, or lost while running)."""

    node: str
    attempt: int
    status: str
    action: str
    args: list[Any]
    kwargs: dict[str, Any]
    timeout: float | None
    ready_at: float
    lost_count: int
    site: str | None = None


class Began(NamedTuple):
    """When (epoch seconds) and where a sleep or signal wait began, and the signal a wait
    waits for (None: a sleep): what its span in the instance's trace starts with."""

    at: float
    site: str | None
    signal: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """A claimed instance for the runner: the protocol view plus its pending work."""

    instance: ClaimedInstance
    priority: int
    pending: list[ClaimedAttempt]
    sleeps: dict[str, float]
    epoch: int = 0
    """Which claim of the instance this is (bumped by every claim): the fence of its work."""
    deadline: float | None = None
    """When the instance, if unfinished, ends as `WorkflowTimeout` (epoch seconds)."""
    waits: dict[str, str] = field(default_factory=dict)
    """Pending signal waits no signal answered at claim time: node -> signal name."""
    began: dict[str, Began] = field(default_factory=dict)
    """A traced instance's pending sleeps and waits (answered or not), node -> `Began`."""


@dataclass(frozen=True, slots=True)
class Cursor:
    """Which events a step consumed, and `event_seq` when they were read (the commit fence)."""

    seq: int
    attempts: tuple[tuple[str, int], ...]
    timers: tuple[str, ...]
    signals: tuple[tuple[str, int], ...] = ()
    """(wait node, signal id): the signals delivered to waits, consumed by the commit."""


FINISHED = frozenset({"completed", "failed", "cancelled"})
"""The statuses of an instance that has ended; a cancelled one ended like a failed one."""


def outcome_of(row: Any) -> InstanceOutcome | None:
    """The outcome of an instance row (None while it runs): a cancelled instance's error is
    the `WorkflowCancelled` exception its waiters raise."""
    if row["status"] == "completed":
        return InstanceOutcome(ok=True, value=row["result"])
    if row["status"] in FINISHED:
        return InstanceOutcome(ok=False, value=row["error"])
    return None


def split_attempts(
    rows: list[Mapping[str, Any]],
) -> tuple[list[Event], list[ClaimedAttempt], list[tuple[str, int]]]:
    """Finished attempts are events (consumed by the next commit); the rest is pending work."""
    events: list[Event] = []
    pending: list[ClaimedAttempt] = []
    consumed: list[tuple[str, int]] = []
    for row in rows:
        node, attempt, status = row["node"], row["attempt"], row["status"]
        if status in ("completed", "failed"):
            ok = status == "completed"
            events.append(ActionFinished(node=node, attempt=attempt, ok=ok,
                                         value=row["result"] if ok else row["error"]))  # fmt: skip
            consumed.append((node, attempt))
        else:
            pending.append(ClaimedAttempt(node=node, attempt=attempt, status=status,
                                          action=row["action"], args=row["args"],
                                          kwargs=row["kwargs"], timeout=row["timeout"],
                                          ready_at=row["ready_at"],
                                          lost_count=row["lost_count"],
                                          site=row.get("site")))  # fmt: skip
    return events, pending, consumed


def family_of(row: Mapping[str, Any]) -> Family:
    """Where a claimed instance stands in its tree (columns of migration 0009)."""
    parent = row.get("parent_id")
    return Family(pins=dict(row.get("pins") or {}), depth=row.get("depth") or 0,
                  parent_id=None if parent is None else str(parent),
                  children=row.get("child_count") or 0)  # fmt: skip


def claim_of(row: Mapping[str, Any], wrl: str, now: float) -> Claim:
    """The claim of one freshly leased instance row (`claim_instances`' columns, from either
    store): its unconsumed attempts split into events and pending work, its due sleeps as
    events, the rest of its sleeps still pending, and each pending signal wait answered by
    the oldest signal of its name (an event) or still pending."""
    events, pending, consumed = split_attempts(row["attempts"])
    # In the order their timers fire (asyncio's: the deadline, then the order they began, which
    # is the order of their nodes), so sleeps due by now wake their tasks in that order.
    timers = sorted(row["timers"], key=lambda t: (t["wake_at"], len(t["node"]), t["node"]))
    sleeps = {timer["node"]: timer["wake_at"] for timer in timers}
    waits, signals = {}, []
    for wait in row.get("waits") or ():
        node = wait["node"]
        if wait["signal"] is None:
            waits[node] = wait["name"]
        else:  # a signal answers the wait, even past its timeout: the timer goes unfired
            events.append(SignalReceived(node=node, value=wait["payload"]))
            signals.append((node, int(wait["signal"])))
            sleeps.pop(node, None)
    due = [node for node, wake_at in sleeps.items() if wake_at <= now]
    events.extend(SleepFinished(node=node) for node in due)
    instance = ClaimedInstance(
        instance_id=str(row["id"]),
        workflow=row["workflow_name"],
        version=row["workflow_version"],
        wrl=wrl,
        inputs=row["inputs"],
        state=row["state"],
        events=events,
        cursor=Cursor(row["event_seq"], tuple(consumed), tuple(due), tuple(signals)),
        trace=row.get("trace_parent"),
        family=family_of(row),
    )
    for node in due:
        del sleeps[node]
    began = _began(row) if instance.trace else {}
    return Claim(instance=instance, priority=row["priority"], pending=pending, sleeps=sleeps,
                 epoch=row["lease_epoch"], deadline=row["deadline"], waits=waits,
                 began=began)  # fmt: skip


def _began(row: Mapping[str, Any]) -> dict[str, Began]:
    """When the pending sleeps and waits of a claimed row began (a wait's timeout is a sleep
    of the same node: the wait wins). Sleeps stored before migration 0016 have no start."""
    began = {timer["node"]: Began(timer["started_at"], timer.get("site"))
             for timer in row["timers"] if timer.get("started_at") is not None}  # fmt: skip
    for wait in row.get("waits") or ():
        began[wait["node"]] = Began(wait["started_at"], wait.get("site"), wait["name"])
    return began
