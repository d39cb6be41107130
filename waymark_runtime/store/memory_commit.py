"""`commit_instances` in `MemoryStore`: one `CommitBatch` document applied to its rows.

In the order of the SQL statement: the steps that pass the lease fence (`_step`), then, for those
instances only, the attempt ops (`_attempt_op`, one function per op in `_OPS`), new attempts,
finished and new sleeps, workflow log lines, signal rows (`memory_signals`) and child calls
(`memory_children`). `apply` returns what changed; the store queues and notifies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from waymark_runtime.store import memory_children, memory_flow, memory_inspect
from waymark_runtime.store.contract import cascade_error
from waymark_runtime.store.memory_rows import AttemptRow, Instance, Row, TimerRow
from waymark_runtime.store.pg_batch import CommitBatch, dumps
from waymark_runtime.store.pg_rows import FINISHED

if TYPE_CHECKING:
    from waymark_runtime.store.memory import MemoryStore


class Applied(NamedTuple):
    kept: set[str]
    """The instances whose steps passed the fence."""
    changed: list[Instance]
    """Their rows, the children they started and the parents their families settled: the
    store queues the released ones and wakes the waiters of the finished ones."""
    runnable: bool
    """A child started, a family settled, a signal woke an instance or one was released due at
    once: runners are told."""


def apply(store: MemoryStore, batch: CommitBatch, owner: str, now: float) -> Applied:
    document = json.loads(dumps(batch.params()[0]))
    memory_children.check_children(store, document["c"])
    instances = store.instances
    kept = {row["id"] for row in document["s"] if _step(instances, row, owner, now)}
    for row in document["o"]:
        if row["instance_id"] in kept:
            _attempt_op(instances, row, owner, now)
    for row in document["n"]:
        if row["instance_id"] in kept:
            _add_attempt(store, row, owner, now)
    for row in document["d"]:
        timer = _timer(instances, row, kept)
        if timer is not None and timer.finished_at is None:
            timer.finished_at = now
    for row in document["t"]:
        if row["instance_id"] in kept:
            instances[row["instance_id"]].timers[row["node"]] = TimerRow(
                node=row["node"], wake_at=row["wake_at"], site=row["site"],
                iteration=row["iteration"], started_at=now)  # fmt: skip
    memory_inspect.record_logs(instances, document["l"], kept, now)
    signalled = _commit_signals(store, batch, kept, now)
    started = [memory_children.start_child(store, row, now)
               for row in document["c"] if row["instance_id"] in kept]  # fmt: skip
    memory_flow.created(store, [child for child in started if child is not None], now)
    changed = [instances[i] for i in kept] + [c for c in started if c is not None]
    settled = [i for i in batch.settled if i in kept]
    changed += memory_children.settle(store, settled, now, cascade_error()) if settled else []
    woken = any(_due(instances[i], now) for i in kept)
    return Applied(kept, changed, any(started) or bool(settled) or signalled or woken)


def _due(instance: Instance, now: float) -> bool:
    """Released and due at once: other runners are told, as `commit_instances` does."""
    return instance.lease_owner is None and instance.wake_at is not None and instance.wake_at <= now


def _commit_signals(store: MemoryStore, batch: CommitBatch, kept: set[str], now: float) -> bool:
    """`commit_signals`; True when a released instance became runnable at once."""
    if not batch.has_signals:
        return False
    document = json.loads(dumps(batch.signal_rows))
    woken = False
    for instance_id in store.signals.commit(document, kept, now):
        instance = store.instances[instance_id]
        if instance.lease_owner is None and instance.finished_at is None:
            instance.wake_at, woken = now, True
    return woken


def _timer(instances: dict[str, Instance], row: Row, kept: set[str]) -> TimerRow | None:
    if row["instance_id"] not in kept:
        return None
    return instances[row["instance_id"]].timers.get(row["node"])


def _step(instances: dict[str, Instance], row: Row, owner: str, now: float) -> bool:
    instance = instances.get(row["id"])
    if instance is None or instance.lease_owner != owner:
        return False
    if row["epoch"] is not None and row["epoch"] != instance.lease_epoch:
        return False
    instance.updated_at = now
    if row.get("state") is not None:
        instance.state = row["state"]
    status = row.get("status")
    finished = status in FINISHED
    if status is not None:
        instance.status, instance.result, instance.error = (
            status,
            row.get("result"),
            row.get("error"),
        )
    if finished:
        instance.finished_at = now
    if row["release"] or finished:
        instance.lease_owner = instance.lease_expires_at = None
    if not row["release"] or finished:
        instance.wake_at = None
    elif row["seq"] is not None and instance.event_seq != row["seq"]:
        instance.wake_at = now
    else:
        wakes = [at for at in (row["wake_at"], instance.deadline_at) if at is not None]
        instance.wake_at = min(wakes, default=None)
    return True


def _attempt_op(instances: dict[str, Instance], row: Row, owner: str, now: float) -> None:
    instance = instances[row["instance_id"]]
    attempt = instance.attempts.get((row["node"], row["attempt"]))
    if attempt is None:
        return
    _OPS[row["op"]](attempt, row, owner, now)
    attempt.consumed = row["op"] in ("finish", "consume")
    if row.get("lost_count") is not None:
        attempt.lost_count = row["lost_count"]


def _add_attempt(store: MemoryStore, row: Row, owner: str, now: float) -> None:
    instance = store.instances[row["instance_id"]]
    key = (row["node"], row["attempt"])
    if key in instance.attempts:
        return
    instance.attempts[key] = AttemptRow(
        node=row["node"], attempt=row["attempt"], action=row["action"], args=row["args"],
        kwargs=row["kwargs"], timeout=row["timeout"], ready_at=row["ready_at"],
        created=store.next_order(), created_at=now,
        status="running" if row["running"] else "queued",
        lease_owner=owner, site=row["site"], iteration=row["iteration"],
        started_at=now if row["running"] else None)  # fmt: skip


def _finish(attempt: AttemptRow, row: Row, owner: str, now: float) -> None:
    """As `commit_instances`: started when marked running, else when sent (`started`: it
    ended first); finished when the runner took the reply (`at`), else now; never before."""
    if row.get("abandoned"):
        attempt.hold_slot()
    if attempt.started_at is None:
        attempt.started_at = row.get("started")
    finished = row.get("at", now)
    if attempt.started_at is not None:
        finished = max(finished, attempt.started_at)
    attempt.status, attempt.finished_at = row["status"], finished
    attempt.traceback = row.get("traceback")
    if row["status"] == "completed":
        attempt.result = row["value"]
    else:
        attempt.error = row["value"]


def _start(attempt: AttemptRow, row: Row, owner: str, now: float) -> None:
    attempt.status, attempt.lease_owner = "running", owner
    attempt.started_at = row.get("at", now)


def _requeue(attempt: AttemptRow, row: Row, owner: str, now: float) -> None:
    attempt.status, attempt.lease_owner, attempt.ready_at = "queued", None, now


def _consume(attempt: AttemptRow, row: Row, owner: str, now: float) -> None:
    """Consuming marks the attempt (`_attempt_op`); nothing else changes."""


_OPS: dict[str, Callable[[AttemptRow, Row, str, float], None]] = {
    "finish": _finish,
    "record": _finish,  # and left unconsumed (`_attempt_op`)
    "start": _start,
    "requeue": _requeue,
    "consume": _consume,
}
