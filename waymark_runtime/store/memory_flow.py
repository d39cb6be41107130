"""Flow control in `MemoryStore`: what migration 0013's triggers and `sql/flow.sql` do, over
its rows — workflow rules, admission per concurrency key, and action slots.

A new instance of a limited workflow waits in its key's queue until fewer than the rule's
limit of its key are admitted and unfinished (`created`, `finished`); `acquire_slots` starts
the waiting attempts `flow.grant` allows, fenced by the instance lease as on PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from waymark_runtime.engine import NewInstance
from waymark_runtime.flow import FlowRule, Grants, SlotRequest, flow_key, grant

if TYPE_CHECKING:
    from waymark_runtime.store.memory import MemoryStore
    from waymark_runtime.store.memory_rows import AttemptRow, Instance


@dataclass
class FlowState:
    """The rules, the workflows' default deadlines, each key's unfinished instances in
    submission order, the actions' starts."""

    rules: dict[str, FlowRule] = field(default_factory=dict)
    timeouts: dict[str, float] = field(default_factory=dict)
    queues: dict[str, list[Instance]] = field(default_factory=dict)
    starts: dict[str, list[float]] = field(default_factory=dict)
    seq: itertools.count[int] = field(default_factory=itertools.count)


def set_rules(state: FlowState, specs: Sequence[NewInstance]) -> None:
    for spec in specs:
        for rule in spec.flow:
            if rule.limit is None:
                state.rules.pop(rule.workflow, None)
            else:
                state.rules[rule.workflow] = rule
            if rule.timeout is None:
                state.timeouts.pop(rule.workflow, None)
            else:
                state.timeouts[rule.workflow] = rule.timeout


def created(store: MemoryStore, instances: Sequence[Instance], now: float) -> None:
    """New instances without a deadline get their workflow's default one (migration 0017);
    those of limited workflows wait in their key's queue; then the keys admit."""
    state = store.flow
    keys = []
    for instance in instances:
        timeout = state.timeouts.get(instance.workflow_name)
        if timeout is not None and instance.deadline_at is None:
            instance.deadline_at = instance.created_at + timeout
        rule = state.rules.get(instance.workflow_name)
        if rule is None or rule.limit is None:
            continue
        instance.flow_key = flow_key(rule, instance.inputs)
        instance.flow_seq, instance.flow_waiting, instance.wake_at = next(state.seq), True, None
        state.queues.setdefault(instance.flow_key, []).append(instance)
        keys.append(instance.flow_key)
    for key in sorted(set(keys)):
        admit(store, key, now)


def finished(store: MemoryStore, instance: Instance) -> None:
    """An instance finished: its key admits the next in line."""
    if instance.flow_key is not None and instance.finished_at is not None:
        admit(store, instance.flow_key, instance.finished_at)


def admit(store: MemoryStore, key: str, now: float) -> None:
    queue = [i for i in store.flow.queues.get(key, []) if i.finished_at is None]
    store.flow.queues[key] = queue
    if not queue:
        return
    rule = store.flow.rules.get(queue[0].workflow_name)
    limit = rule.limit if rule is not None and rule.limit is not None else len(queue)
    free = limit - sum(not i.flow_waiting for i in queue)
    admitted = [i for i in queue if i.flow_waiting][: max(free, 0)]
    for instance in admitted:
        instance.flow_waiting, instance.wake_at, instance.updated_at = False, now, now
        store._queue(instance)
    if admitted:
        store._notify_runnable()


def acquire_slots(
    store: MemoryStore, owner: str, requests: Sequence[SlotRequest], now: float
) -> Grants:
    """`acquire_slots` of `pg_flow`: grant in order, start the granted attempts (fenced)."""
    actions = {r.action for r in requests}
    running = {action: 0 for action in actions}
    for instance in store.instances.values():
        for attempt in instance.attempts.values():
            if _holds_slot(attempt) and attempt.action in actions:
                running[attempt.action] += 1
    starts = {a: store.flow.starts.get(a, []) for a in actions}
    already = {r.key for r in requests if _started(_asked(store, owner, r), owner)}
    decided = grant(requests, running, starts, now, already)
    done = [r for r in decided.granted if r.key in already or _start(store, owner, r, now)]
    store.flow.starts.update(decided.starts)
    return Grants(done, decided.starts, decided.retry_at)


def _holds_slot(attempt: AttemptRow) -> bool:
    """`running_attempts`: the attempt runs through the gate, or it ended while its execution
    goes on in this process (`AttemptRow.hold_slot`, until `execution_ended`)."""
    return attempt.gated and (attempt.status == "running" or attempt.slot_held)


def execution_ended(store: MemoryStore, instance_id: str, node: str, number: int) -> bool:
    """The execution of an attempt ended (or never started): True when that freed a slot a
    cancel had left taken, for the gates to ask again."""
    instance = store.instances.get(instance_id)
    attempt = None if instance is None else instance.attempts.get((node, number))
    if attempt is None:
        return False
    held, attempt.executing, attempt.slot_held = attempt.slot_held, False, False
    return held


def release_slots(store: MemoryStore, ended: Sequence[tuple[str, int, str, int]]) -> bool:
    """`release_slots`: `execution_ended` for each attempt whose instance's claim is still
    the one of its epoch; True when that freed a slot."""
    freed = False
    for instance_id, epoch, node, number in ended:
        instance = store.instances.get(instance_id)
        if instance is not None and instance.lease_epoch == epoch:
            freed = execution_ended(store, instance_id, node, number) or freed
    return freed


def _asked(store: MemoryStore, owner: str, request: SlotRequest) -> AttemptRow | None:
    """The attempt `request` asks for, if `owner` still holds its instance under its claim."""
    instance = store.instances.get(request.instance_id)
    if instance is None or instance.lease_owner != owner or instance.lease_epoch != request.epoch:
        return None
    return instance.attempts.get((request.node, request.attempt))


def _started(attempt: AttemptRow | None, owner: str) -> bool:
    """`started_slots`: the attempt already runs, started by `owner` through the gate."""
    return (attempt is not None and attempt.status == "running" and attempt.gated
            and attempt.lease_owner == owner)  # fmt: skip


def _start(store: MemoryStore, owner: str, request: SlotRequest, now: float) -> bool:
    attempt = _asked(store, owner, request)
    if attempt is None or attempt.status != "queued":
        return False
    lease = store.instances[request.instance_id].lease_expires_at
    if lease is None or lease <= now:  # lapsed, not yet reclaimed: its worker would refuse
        return False
    attempt.status, attempt.lease_owner, attempt.started_at = "running", owner, now
    attempt.gated = attempt.executing = True
    return True
