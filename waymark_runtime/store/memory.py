"""`MemoryStore`: the runner's store contract (`store.contract`) in process memory.

`LocalRuntime` runs the production runner on it, for users' fast unit tests. It keeps the same
rows as the PostgreSQL schema (instances with leases and epochs, attempts, sleeps, program
versions) and applies the same `CommitBatch` documents with the semantics of `queries.sql`,
after a JSON round trip, so a value that PostgreSQL would refuse is refused here too. It also
answers inspection (`InspectionStore`, in `memory_inspect`), so the admin API runs on it.
This module keeps the rows (`memory_rows`) and the claim queue, and creates and wakes instances;
claims and leases are made by `memory_claims`, a commit is applied by `memory_commit`, child workflows, signals and flow
control by their `memory_*` modules. Durability is PostgreSQL's job and is tested there; the
store never interprets a program.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any

from waymark_runtime.engine import NewInstance, check_programs
from waymark_runtime.flow import Grants, SlotRequest
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store import (
    memory_children,
    memory_claims,
    memory_commit,
    memory_flow,
    memory_inspect,
    memory_signals,
)
from waymark_runtime.store.contract import (
    InstanceQuery,
    QueueStats,
    Reclaimed,
    RunnerInfo,
    cascade_error,
    lost_attempt_error,
    orphaned_attempt_error,
)
from waymark_runtime.store.memory_rows import AttemptRow, Instance, Queued, Row
from waymark_runtime.store.memory_runners import RunnerRegistry
from waymark_runtime.store.pg_batch import CommitBatch, dumps
from waymark_runtime.store.pg_rows import Claim


class _Subscription:
    def __init__(
        self,
        store: MemoryStore,
        on_runnable: Callable[[], None],
        subscribers: list[Callable[[], None]] | None = None,
    ) -> None:
        self.on_runnable = on_runnable
        self.subscribers = store.subscribers if subscribers is None else subscribers

    async def start(self) -> None:
        self.subscribers.append(self.on_runnable)

    async def close(self) -> None:
        if self.on_runnable in self.subscribers:
            self.subscribers.remove(self.on_runnable)

    def listening(self) -> bool:
        return self.on_runnable in self.subscribers


class MemoryStore:
    """Every row in dicts; a heap of instances by claim order (lazily pruned)."""

    def __init__(
        self, *, lost_attempt_retries: int = 3, orphaned_attempt_retries: int = 20
    ) -> None:
        self.lost_attempt_retries = lost_attempt_retries
        self.lost_error = lost_attempt_error(lost_attempt_retries)
        self.orphaned_attempt_retries = orphaned_attempt_retries
        self.orphaned_error = orphaned_attempt_error(orphaned_attempt_retries)
        self.versions: dict[tuple[str, str], str] = {}
        self.instances: dict[str, Instance] = {}
        self.subscribers: list[Callable[[], None]] = []
        self.freed_subscribers: list[Callable[[], None]] = []
        self._runnable: list[Queued] = []
        self._order = itertools.count()
        self._done: dict[str, list[asyncio.Future[InstanceOutcome]]] = {}
        self._keys: dict[tuple[str, str | None], str] = {}  # (workflow, idempotency key) -> id
        self.flow = memory_flow.FlowState()
        self.runners = RunnerRegistry()
        self.signals = memory_signals.Signals()

    # clients ---------------------------------------------------------------------------------

    async def create_instances(
        self, specs: Sequence[NewInstance], now: float, ids: Sequence[str] | None = None
    ) -> list[str]:
        programs = {key: wrl for spec in specs for key, wrl in spec.programs().items()}
        check_programs(programs)
        ids = list(ids) if ids is not None else [str(uuid.uuid4()) for _ in specs]
        for key, wrl in programs.items():  # the newest text of a version: the newest positions
            self.versions[key] = wrl
        memory_flow.set_rules(self.flow, specs)
        joined: list[str] = []
        fresh: list[Instance] = []
        for instance_id, spec in zip(ids, specs, strict=True):
            holding = (spec.workflow, spec.idempotency_key)
            holder = self._keys.get(holding) if spec.idempotency_key is not None else None
            if instance_id in self.instances:  # this start made again: `create_instances`
                holder = instance_id
            if holder is not None:
                joined.append(holder)
                continue
            self.instances[instance_id] = Instance(
                id=instance_id, workflow_name=spec.workflow, workflow_version=spec.version,
                inputs=json.loads(dumps(spec.inputs)), priority=spec.priority, created_at=now,
                wake_at=now, trace_parent=spec.trace, pins=spec.pins(),
                idempotency_key=spec.idempotency_key, deadline_at=spec.deadline)  # fmt: skip
            if spec.idempotency_key is not None:
                self._keys[holding] = instance_id
            self._queue(self.instances[instance_id])
            fresh.append(self.instances[instance_id])
            joined.append(instance_id)
        memory_flow.created(self, fresh, now)
        self._notify_runnable()
        return joined

    async def outcome(self, instance_id: str) -> InstanceOutcome | None:
        return self.instances[instance_id].outcome()

    async def wait_outcome(self, instance_id: str, timeout: float | None = None) -> InstanceOutcome:
        outcome = self.instances[instance_id].outcome()
        if outcome is not None:
            return outcome
        future: asyncio.Future[InstanceOutcome] = asyncio.get_running_loop().create_future()
        self._done.setdefault(instance_id, []).append(future)
        return await asyncio.wait_for(future, timeout)

    async def status(self, instance_id: str) -> dict[str, Any] | None:
        """The instance row as `PostgresStore.status` gives it, or None for an unknown id."""
        instance = self.instances.get(instance_id)
        if instance is None:
            return None
        return memory_inspect.status_row(instance)

    def subscribe(
        self,
        on_runnable: Callable[[], None],
        on_wake: Callable[[float], None] | None = None,
        on_ended: Callable[[str], None] | None = None,
    ) -> _Subscription:
        """One runner per memory store: it arms its own timers, and its executor frees the
        slots a cancel left taken (`on_wake`, `on_ended` are never called)."""
        return _Subscription(self, on_runnable)

    # runners ---------------------------------------------------------------------------------

    async def claim(self, owner: str, limit: int, now: float, lease: float) -> list[Claim]:
        """`claim_instances` (`memory_claims`)."""
        picked = memory_claims.due(self, limit, now)
        return [memory_claims.lease(self, instance, owner, now, lease) for instance in picked]

    async def claim_waking(
        self, owner: str, limit: int, now: float, lease: float
    ) -> tuple[list[Claim], float | None]:
        claims = await self.claim(owner, limit, now, lease)
        return claims, None if len(claims) == limit else await self.next_wake(now)

    async def next_wake(self, now: float) -> float | None:
        return memory_claims.next_wake(self, now)

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]:
        """`commit_instances`: the steps that pass the fence, then their rows
        (`memory_commit`)."""
        applied = memory_commit.apply(self, batch, owner, now)
        for instance in applied.changed:
            self._settle(instance)
        if applied.runnable:
            self._notify_runnable()
        return applied.kept

    async def send_signal(
        self, instance_id: str, name: str, payload: Any, now: float, send_id: str | None = None
    ) -> bool:
        """`send_signal`: False when the instance is unknown or finished (without this send)."""
        instance = self.instances.get(instance_id)
        if instance is None:
            return False
        payload = json.loads(dumps(payload))
        if send_id is not None and self.signals.sent(instance_id, send_id, name, payload):
            return True  # this send made again: kept once
        if instance.finished_at is not None:
            return False
        if self.signals.send(instance, name, payload, now, send_id):
            self._queue(instance)
            self._notify_runnable()
        return True

    async def signals_of(self, instance_id: str) -> list[Row]:
        return self.signals.rows(instance_id, self.instances[instance_id].finished_at)

    def next_order(self) -> int:
        """The creation order of a new attempt row."""
        return next(self._order)

    async def register_runner(self, runner: RunnerInfo, now: float) -> None:
        self.runners.register(runner, now)

    async def unregister_runner(self, runner_id: str) -> None:
        self.runners.unregister(runner_id)

    async def list_runners(self) -> list[Row]:
        return self.runners.listed(i.lease_owner for i in self.instances.values())

    async def heartbeat(self, owner: str, now: float, lease: float) -> dict[str, int]:
        self.runners.beat(owner, now)
        held = {}
        for instance in self.instances.values():
            if instance.lease_owner == owner:
                instance.lease_expires_at = now + lease
                held[instance.id] = instance.lease_epoch
        return held

    async def reclaim_expired_instances(
        self, now: float, limit: int = 1000, *, keep_owner: str = ""
    ) -> Reclaimed:
        expired = [i for i in self.instances.values() if i.lease_owner not in (None, keep_owner)
                   and i.lease_expires_at is not None and i.lease_expires_at < now][:limit]  # fmt: skip
        failed: list[str] = []
        for instance in expired:
            for attempt in instance.attempts.values():
                if attempt.status == "running" and attempt.lease_owner == instance.lease_owner:
                    self._orphan(attempt, now)
                    if attempt.status == "failed":
                        failed.append(attempt.action)
            instance.lease_owner = instance.lease_expires_at = None
            instance.wake_at = instance.updated_at = now
            self._queue(instance)
        if expired:
            self._notify_runnable()
        return Reclaimed(instances=len(expired), failed=tuple(failed))

    async def next_lease_lapse(self, now: float, *, keep_owner: str = "") -> float | None:
        lapses = [i.lease_expires_at for i in self.instances.values()
                  if i.lease_owner not in (None, keep_owner)
                  and i.lease_expires_at is not None and i.lease_expires_at >= now]  # fmt: skip
        return min(lapses, default=None)

    def _orphan(self, attempt: AttemptRow, now: float) -> None:
        attempt.orphaned_count += 1
        attempt.lease_owner, attempt.ready_at = None, now
        if attempt.orphaned_count > self.orphaned_attempt_retries:
            attempt.status, attempt.error, attempt.finished_at = "failed", self.orphaned_error, now
        else:
            attempt.status = "queued"

    async def collect_garbage(self, now: float, retention: float, limit: int = 1000) -> int:
        doomed = [i.id for i in self.instances.values()
                  if i.finished_at is not None and i.finished_at < now - retention][:limit]  # fmt: skip
        for instance_id in doomed:
            instance = self.instances.pop(instance_id)
            self.signals.forget(instance_id)
            self._keys.pop((instance.workflow_name, instance.idempotency_key), None)
        return len(doomed)

    # flow control (`memory_flow`) -------------------------------------------------------------

    async def acquire_slots(
        self, owner: str, requests: Sequence[SlotRequest], clock: Callable[[], float]
    ) -> Grants:
        return memory_flow.acquire_slots(self, owner, requests, clock())

    async def slots_freed(self, actions: Sequence[str]) -> None:
        self._notify_freed()

    async def release_slots(self, ended: Sequence[tuple[str, int, str, int]]) -> None:
        if memory_flow.release_slots(self, ended):
            self._notify_freed()

    def execution_ended(self, instance_id: str, node: str, attempt: int) -> None:
        """`LocalRuntime`'s executor ran an attempt to its end (or never started it): a slot
        its cancel left taken is free now."""
        if memory_flow.execution_ended(self, instance_id, node, attempt):
            self._notify_freed()

    def _notify_freed(self) -> None:
        for subscriber in list(self.freed_subscribers):
            subscriber()

    def subscribe_freed(self, on_freed: Callable[[], None]) -> _Subscription:
        return _Subscription(self, on_freed, self.freed_subscribers)

    # inspection (`InspectionStore`) ----------------------------------------------------------

    async def list_instances(self, query: InstanceQuery) -> list[Row]:
        return memory_inspect.listed(self.instances.values(), query)

    async def queue_stats(self, now: float) -> QueueStats:
        return memory_inspect.queue_stats(self.instances.values(), now)

    async def attempts_of(self, instance_id: str) -> list[Row]:
        return memory_inspect.attempt_rows(self.instances[instance_id])

    async def timers_of(self, instance_id: str) -> list[Row]:
        return memory_inspect.timer_rows(self.instances[instance_id])

    async def logs_of(self, instance_id: str, limit: int = 1000) -> list[Row]:
        return memory_inspect.log_rows(self.instances[instance_id], limit)

    async def registered_workflows(self, names: Collection[str]) -> set[str]:
        return {name for name, _ in self.versions if name in names}

    async def latest_version(self, workflow: str) -> tuple[str, str] | None:
        """The version of `workflow` registered last (a version keeps the place of its first
        registration and the text of its latest: the newest source positions)."""
        found = [(v, wrl) for (name, v), wrl in self.versions.items() if name == workflow]
        return found[-1] if found else None

    async def program_of(self, workflow: str, version: str) -> str | None:
        return self.versions.get((workflow, version))

    async def cancel(
        self, instance_id: str, error: Any, now: float, status: str = "cancelled"
    ) -> bool:
        """`cancel_instance`; waiters get the cancelled (or timed-out) outcome."""
        instance = self.instances.get(instance_id)
        error = json.loads(dumps(error))
        if instance is None or not memory_inspect.cancel(instance, error, now, status):
            return False
        changed = memory_children.settle(self, [instance_id], now, cascade_error())
        for each in [instance, *changed]:
            self._settle(each)
        self._notify_runnable()
        return True

    async def start_again(
        self, source: str, spec: NewInstance, now: float, new_id: str, cancel_error: Any = None
    ) -> str | None:
        """`PostgresStore.start_again`: the source records its restart before any await."""
        instance = self.instances.get(source)
        if instance is None:
            return None
        if instance.restarted_as in self.instances:
            return instance.restarted_as
        instance.restarted_as = new_id
        try:
            if cancel_error is not None:
                await self.cancel(source, cancel_error, now)
            await self.create_instances([spec], now, [new_id])
        except BaseException:
            instance.restarted_as = None
            raise
        return new_id

    # internals -------------------------------------------------------------------------------

    def _queue(self, instance: Instance) -> None:
        if instance.wake_at is not None and instance.lease_owner is None:
            entry = Queued(-instance.priority, instance.wake_at, next(self._order), instance.id)
            heapq.heappush(self._runnable, entry)

    def _settle(self, instance: Instance) -> None:
        """After a commit: queue a released instance, wake waiters of a finished one."""
        self._queue(instance)
        outcome = instance.outcome()
        if outcome is not None:
            memory_flow.finished(self, instance)
            for future in self._done.pop(instance.id, []):
                if not future.done():
                    future.set_result(outcome)

    def _notify_runnable(self) -> None:
        for subscriber in list(self.subscribers):
            subscriber()
