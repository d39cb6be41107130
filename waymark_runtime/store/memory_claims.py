"""Claims of `MemoryStore`, as `claim_instances` makes them: the due instances of the store's
claim queue (a heap by claim order, lazily pruned) in priority order, the workflows taking
turns, each leased with the rows a runner reads (`claim_of`). The store keeps the rows and the
heap; nothing here interprets a program."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from waymark_runtime.store.memory_rows import AttemptRow, Instance, Queued
from waymark_runtime.store.pg_rows import Claim, claim_of

if TYPE_CHECKING:
    from waymark_runtime.store.memory import MemoryStore


def due(store: MemoryStore, limit: int, now: float) -> list[Instance]:
    """At most `limit` due instances: highest priority first; at equal priority the workflows
    take turns (the oldest of each, then the second oldest of each...)."""
    due: list[Queued] = []
    later: list[Queued] = []
    seen: set[str] = set()  # an instance queued again (admitted, `memory_flow`) is due once
    while store._runnable:
        entry = heapq.heappop(store._runnable)
        instance = store.instances.get(entry.instance_id)
        if instance is None or not is_queued(instance, entry) or entry.instance_id in seen:
            continue
        seen.add(entry.instance_id)
        (later if entry.wake_at > now else due).append(entry)
    turns: dict[str, int] = {}
    ranked = []
    for entry in due:  # in claim order, so each workflow's turns follow its own order
        name = store.instances[entry.instance_id].workflow_name
        turns[name] = turns.get(name, 0) + 1
        ranked.append((entry.rank, turns[name], entry.wake_at, entry.order, entry))
    ranked.sort()
    picked = [store.instances[entry.instance_id] for *_, entry in ranked[:limit]]
    for *_, entry in ranked[limit:]:
        later.append(entry)
    for entry in later:
        heapq.heappush(store._runnable, entry)
    return picked


def next_wake(store: MemoryStore, now: float) -> float | None:
    """`next_wake`: the earliest queued wake after `now` that is still current."""
    wakes = [entry.wake_at for entry in store._runnable if entry.wake_at > now
             and (instance := store.instances.get(entry.instance_id)) is not None
             and is_queued(instance, entry)]  # fmt: skip
    return min(wakes, default=None)


def is_queued(instance: Instance, entry: Queued) -> bool:
    """Whether the heap `entry` is the instance's current place in the queue."""
    return instance.lease_owner is None and instance.wake_at == entry.wake_at


def lease(store: MemoryStore, instance: Instance, owner: str, now: float, lease: float) -> Claim:
    instance.lease_owner, instance.lease_expires_at = owner, now + lease
    instance.lease_epoch += 1
    instance.updated_at = now
    instance.wake_at = None
    if instance.status == "queued":
        instance.status = "running"
    attempts = sorted((a for a in instance.attempts.values() if not a.consumed),
                      key=AttemptRow.order)  # fmt: skip
    row = {
        "id": instance.id, "workflow_name": instance.workflow_name,
        "workflow_version": instance.workflow_version, "inputs": instance.inputs,
        "state": instance.state, "priority": instance.priority,
        "event_seq": instance.event_seq, "lease_epoch": instance.lease_epoch,
        "trace_parent": instance.trace_parent,
        "pins": instance.pins, "depth": instance.depth, "parent_id": instance.parent_id,
        "child_count": sum(a.child_id is not None for a in instance.attempts.values()),
        "deadline": instance.deadline_at,
        "attempts": [attempt.row() for attempt in attempts],
        "timers": [{"node": t.node, "wake_at": t.wake_at, "started_at": t.started_at,
                    "site": t.site}
                   for t in sorted(instance.timers.values(), key=lambda t: t.wake_at)
                   if t.finished_at is None],
        "waits": store.signals.claim_rows(instance.id),
    }  # fmt: skip
    wrl = store.versions[(instance.workflow_name, instance.workflow_version)]
    return claim_of(row, wrl, now)
