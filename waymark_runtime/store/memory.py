"""`MemoryStore`: the `engine.Store` protocol in process memory, for `LocalRuntime`.

It exists for users' fast unit tests; durability guarantees are PostgreSQL's job and are tested
there. Same records and the same batched methods as the PostgreSQL store, so the runtime that
drives it is the production effect handling. It never interprets a program.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime.effects import ActionFinished, Event, SleepFinished
from waymark_runtime.engine import (
    ActionResult,
    ClaimedAction,
    ClaimedInstance,
    NewInstance,
    Outcome,
    PlannedAction,
    StepCommit,
    check_programs,
)
from waymark_runtime.interpreter import State


@dataclass(slots=True)
class _Instance:
    spec: NewInstance
    created: int
    state: State | None = None
    events: list[Event] = field(default_factory=list)
    consumed: int = 0  # events[:consumed] are consumed
    lease: tuple[str, float] | None = None
    outcome: Outcome | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(slots=True)
class _Attempt:
    action_id: str
    instance_id: str
    planned: PlannedAction
    lease: tuple[str, float] | None = None
    finished: bool = False


class MemoryStore:
    """Instances, queued attempts and timers in dicts and heaps; all times are caller-supplied."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._instances: dict[str, _Instance] = {}
        self._runnable: set[str] = set()
        self._attempts: dict[str, _Attempt] = {}
        self._queue: list[tuple[float, int, str]] = []  # (ready_at, seq, action_id)
        self._timers: list[tuple[float, int, str, str]] = []  # (wake_at, seq, instance, node)
        self.changed = asyncio.Event()  # set whenever new work may be runnable

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def _wake(self, instance_id: str) -> None:
        self._runnable.add(instance_id)
        self.changed.set()

    # -- instances ----------------------------------------------------------------------------

    async def create_instances(self, specs: Sequence[NewInstance], now: float) -> list[str]:
        check_programs({(s.workflow, s.version): s.wrl for s in specs})
        ids = []
        for spec in specs:
            instance_id = self._next_id("i")
            self._instances[instance_id] = _Instance(spec, len(self._instances))
            self._wake(instance_id)
            ids.append(instance_id)
        return ids

    async def claim_instances(
        self, owner: str, limit: int, now: float, lease: float
    ) -> list[ClaimedInstance]:
        order = sorted(self._runnable, key=self._priority)
        claimed = []
        for instance_id in order:
            record = self._instances[instance_id]
            if record.lease is not None and record.lease[1] > now:
                continue
            self._runnable.discard(instance_id)
            if record.outcome is not None:
                continue
            record.lease = (owner, now + lease)
            claimed.append(self._claim(instance_id, record))
            if len(claimed) >= limit:
                break
        return claimed

    def _priority(self, instance_id: str) -> tuple[int, int]:
        record = self._instances[instance_id]
        return (-record.spec.priority, record.created)

    def _claim(self, instance_id: str, record: _Instance) -> ClaimedInstance:
        spec = record.spec
        return ClaimedInstance(
            instance_id=instance_id,
            workflow=spec.workflow,
            version=spec.version,
            wrl=spec.wrl,
            inputs=spec.inputs,
            state=record.state,
            events=record.events[record.consumed :],
            cursor=len(record.events),
        )

    async def commit_steps(self, commits: Sequence[StepCommit], now: float) -> None:
        for commit in commits:
            self._commit(commit, now)

    def _commit(self, commit: StepCommit, now: float) -> None:
        record = self._instances[commit.instance_id]
        record.lease = None
        if record.outcome is not None:
            return
        record.state = commit.state
        record.consumed = commit.cursor or 0
        for planned in commit.plan.actions:
            self._enqueue(commit.instance_id, planned)
        for timer in commit.plan.timers:
            heapq.heappush(
                self._timers, (timer.wake_at, next(self._ids), commit.instance_id, timer.node)
            )
        if commit.plan.outcome is not None:
            record.outcome = commit.plan.outcome
            record.done.set()
        elif record.consumed < len(record.events):
            self._wake(commit.instance_id)
        self.changed.set()

    def _enqueue(self, instance_id: str, planned: PlannedAction) -> None:
        action_id = self._next_id("a")
        self._attempts[action_id] = _Attempt(action_id, instance_id, planned)
        heapq.heappush(self._queue, (planned.ready_at, next(self._ids), action_id))

    # -- actions ------------------------------------------------------------------------------

    async def claim_actions(
        self, owner: str, limit: int, now: float, lease: float
    ) -> list[ClaimedAction]:
        claimed: list[ClaimedAction] = []
        while self._queue and self._queue[0][0] <= now and len(claimed) < limit:
            _, _, action_id = heapq.heappop(self._queue)
            attempt = self._attempts[action_id]
            attempt.lease = (owner, now + lease)
            claimed.append(_claimed(attempt))
        return claimed

    async def record_results(self, results: Sequence[ActionResult], now: float) -> None:
        for result in results:
            attempt = self._attempts.get(result.action_id)
            if attempt is None or attempt.finished:
                continue  # at-least-once delivery: a second report of an attempt is ignored
            attempt.finished = True
            del self._attempts[result.action_id]
            event = ActionFinished(
                node=result.node, attempt=result.attempt, ok=result.ok, value=result.value
            )
            self._instances[result.instance_id].events.append(event)
            self._wake(result.instance_id)

    # -- time ---------------------------------------------------------------------------------

    async def fire_timers(self, now: float, limit: int) -> int:
        fired = 0
        while self._timers and self._timers[0][0] <= now and fired < limit:
            _, _, instance_id, node = heapq.heappop(self._timers)
            self._instances[instance_id].events.append(SleepFinished(node=node))
            self._wake(instance_id)
            fired += 1
        return fired

    async def reclaim_expired(self, now: float) -> int:
        count = 0
        for attempt in self._attempts.values():
            if attempt.lease is not None and attempt.lease[1] <= now and not attempt.finished:
                attempt.lease = None
                heapq.heappush(self._queue, (now, next(self._ids), attempt.action_id))
                count += 1
        for instance_id, record in self._instances.items():
            if record.lease is not None and record.lease[1] <= now:
                record.lease = None
                self._wake(instance_id)
                count += 1
        return count

    async def next_due(self, now: float) -> float | None:
        times = [q[0] for q in self._queue[:1]] + [t[0] for t in self._timers[:1]]
        return min(times) if times else None

    # -- outcomes -----------------------------------------------------------------------------

    async def outcome(self, instance_id: str) -> Outcome | None:
        return self._instances[instance_id].outcome

    async def wait_outcome(self, instance_id: str, timeout: float | None = None) -> Outcome:
        record = self._instances[instance_id]
        await asyncio.wait_for(record.done.wait(), timeout)
        assert record.outcome is not None
        return record.outcome

    def snapshot(self, instance_id: str) -> dict[str, Any]:
        """For tests and debugging: an instance's state and unconsumed events."""
        record = self._instances[instance_id]
        return {
            "state": record.state,
            "events": record.events[record.consumed :],
            "outcome": record.outcome,
        }


def _claimed(attempt: _Attempt) -> ClaimedAction:
    planned = attempt.planned
    return ClaimedAction(
        action_id=attempt.action_id,
        instance_id=attempt.instance_id,
        node=planned.node,
        attempt=planned.attempt,
        action=planned.action,
        args=planned.args,
        kwargs=planned.kwargs,
        timeout=planned.timeout,
    )
