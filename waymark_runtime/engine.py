"""Effect handling shared by every host of the interpreter, and the `Store` protocol.

`plan_step` turns the interpreter's effects into a `StepPlan` (actions to enqueue with their ready
time, timers, the outcome); `step_instance` runs one interpreter step for a claimed instance and
returns the `StepCommit` a store persists atomically. `LocalRuntime` and the PostgreSQL runner
both use these, so there is one implementation of effect handling. No I/O happens here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from waymark_runtime import ir
from waymark_runtime.config import Settings
from waymark_runtime.effects import (
    JSON,
    Complete,
    DispatchAction,
    Effect,
    Event,
    Fail,
    StartSleep,
)
from waymark_runtime.errors import InternalError
from waymark_runtime.interpreter import STATE_VERSION, Limits, State, advance, start
from waymark_runtime.values import TypeResolver, error_json

# ---------------------------------------------------------------------------------------------
# The plan: what a store must persist after one interpreter step
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedAction:
    """One attempt of an action to enqueue: run it no earlier than `ready_at` (epoch seconds)."""

    node: str
    action: str
    args: tuple[JSON, ...]
    kwargs: dict[str, JSON]
    attempt: int
    ready_at: float
    timeout: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Timer:
    """A durable sleep: deliver `SleepFinished(node)` once `wake_at` (epoch seconds) has passed."""

    node: str
    wake_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How an instance ended: `ok` with `value` its JSON result, or not ok with an exception value."""

    ok: bool
    value: JSON


@dataclass(slots=True, kw_only=True)
class StepPlan:
    actions: list[PlannedAction] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    outcome: Outcome | None = None


def plan_step(effects: Sequence[Effect], now: float, rng: random.Random) -> StepPlan:
    """Turn effects into rows: ready times for actions (delay plus random jitter), wake times."""
    plan = StepPlan()
    for effect in effects:
        _PLANNERS[type(effect)](plan, effect, now, rng)
    return plan


def _plan_DispatchAction(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    extra = rng.uniform(0.0, effect.jitter) if effect.jitter > 0 else 0.0
    plan.actions.append(
        PlannedAction(
            node=effect.node,
            action=effect.action,
            args=effect.args,
            kwargs=effect.kwargs,
            attempt=effect.attempt,
            ready_at=now + effect.delay + extra,
            timeout=effect.timeout,
        )
    )


def _plan_StartSleep(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.timers.append(Timer(node=effect.node, wake_at=now + effect.seconds))


def _plan_Complete(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.outcome = Outcome(ok=True, value=effect.result)


def _plan_Fail(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.outcome = Outcome(ok=False, value=effect.error)


_PLANNERS: dict[type, Callable[[StepPlan, Any, float, random.Random], None]] = {
    DispatchAction: _plan_DispatchAction,
    StartSleep: _plan_StartSleep,
    Complete: _plan_Complete,
    Fail: _plan_Fail,
}


# ---------------------------------------------------------------------------------------------
# Records exchanged with a store
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class NewInstance:
    """A workflow instance to create: the program (by version, with its text) and its inputs.

    `inputs` are JSON-shaped (`values.to_json`). A store keeps one copy of each program version's
    `.wrl` text, however many instances run it.
    """

    workflow: str
    version: str
    wrl: str
    inputs: dict[str, JSON]
    priority: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedInstance:
    """An instance a runner holds the lease of, with everything one step needs.

    `state` is None for an instance that has not started. `events` are the unconsumed events
    (action results, finished sleeps), oldest first; `cursor` is the store's opaque marker of the
    newest of them, handed back in the commit so exactly these events are marked consumed.
    """

    instance_id: str
    workflow: str
    version: str
    wrl: str
    inputs: dict[str, JSON]
    state: State | None
    events: list[Event]
    cursor: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StepCommit:
    """The result of one step, to persist in ONE transaction for the instance.

    Store: `state` (the new continuation), consume the claimed events up to `cursor`, insert
    `plan.actions` and `plan.timers`, and when `plan.outcome` is set mark the instance finished
    and notify waiters. Then release the lease.
    """

    instance_id: str
    state: State
    plan: StepPlan
    cursor: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedAction:
    """One attempt of an action leased to a worker."""

    action_id: str
    instance_id: str
    node: str
    attempt: int
    action: str
    args: tuple[JSON, ...]
    kwargs: dict[str, JSON]
    timeout: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionResult:
    """A finished attempt: `value` is the JSON result (`ok`) or a JSON exception value."""

    action_id: str
    instance_id: str
    node: str
    attempt: int
    ok: bool
    value: JSON


class Store(Protocol):
    """What the in-process host (`LocalRuntime`) needs of a store: `MemoryStore` provides it.
    Every method is batched: one call, many rows. The PostgreSQL runner persists the same
    `StepCommit`s through `PostgresStore.claim`/`commit`/`heartbeat` instead, which keep an
    instance's lease across steps and record its results in the commit that consumes them.

    Times are epoch seconds passed in by the caller (one clock the host can pin or make virtual).
    JSON payloads (inputs, state, arguments, results) must come back with object key order intact:
    dict order is part of Python's semantics, so store them as `json` or text, not `jsonb`.
    Leases: a claimed row belongs to its `owner` until `now + lease` seconds; `reclaim_expired`
    makes expired instance leases claimable again and re-queues expired action attempts, so a
    lost attempt is retried (at-least-once) while a recorded result is never re-run.
    """

    async def create_instances(self, specs: Sequence[NewInstance], now: float) -> list[str]:
        """Insert instances (runnable at once: a runner starts them); return their ids in order."""
        ...

    async def claim_instances(
        self, owner: str, limit: int, now: float, lease: float
    ) -> list[ClaimedInstance]:
        """Lease up to `limit` runnable instances: not started, or with unconsumed events.

        An instance is claimed by at most one runner at a time (`FOR UPDATE SKIP LOCKED`).
        """
        ...

    async def commit_steps(self, commits: Sequence[StepCommit], now: float) -> None:
        """Persist steps; each instance's commit is atomic (see `StepCommit`).

        A commit whose instance lease was lost (another runner reclaimed it) must be dropped.
        """
        ...

    async def claim_actions(
        self, owner: str, limit: int, now: float, lease: float
    ) -> list[ClaimedAction]:
        """Lease up to `limit` queued action attempts with `ready_at <= now`, oldest first."""
        ...

    async def record_results(self, results: Sequence[ActionResult], now: float) -> None:
        """Mark attempts done and turn each into an `ActionFinished` event of its instance.

        Idempotent: a result for an attempt that is already recorded is ignored.
        """
        ...

    async def fire_timers(self, now: float, limit: int) -> int:
        """Turn due timers (`wake_at <= now`) into `SleepFinished` events; return how many."""
        ...

    async def reclaim_expired(self, now: float) -> int:
        """Release expired instance leases and re-queue expired action attempts; return count."""
        ...

    async def next_due(self, now: float) -> float | None:
        """The earliest future `ready_at`/`wake_at`, or None when nothing is scheduled."""
        ...

    async def outcome(self, instance_id: str) -> Outcome | None:
        """The outcome of a finished instance, None while it runs (KeyError: unknown id)."""
        ...

    async def wait_outcome(self, instance_id: str, timeout: float | None = None) -> Outcome:
        """Wait (without polling in a loop) until the instance finishes; return its outcome."""
        ...


# ---------------------------------------------------------------------------------------------
# One step of one instance
# ---------------------------------------------------------------------------------------------

ProgramLoader = Callable[[ClaimedInstance], ir.Workflow]


def limits_of(settings: Settings) -> Limits:
    """The interpreter's limits from the `WAYMARK_MAX_*` settings."""
    return Limits(
        operations=settings.max_step_operations,
        collection_length=settings.max_collection_length,
        string_length=settings.max_string_length,
        int_digits=settings.max_int_digits,
    )


def step_instance(
    claimed: ClaimedInstance,
    load: ProgramLoader,
    now: float,
    rng: random.Random,
    types: TypeResolver | None = None,
    limits: Limits | None = None,
) -> StepCommit:
    """Run the interpreter for one claimed instance; never raises for a bad program or value.

    A program that does not load (bad `.wrl`) or an interpreter bug fails this instance only;
    so does one that exceeds `limits` (default `Limits()`).
    """
    try:
        program = load(claimed)
        if claimed.state is None:
            state, effects = start(program, claimed.inputs, types=types, limits=limits)
        else:
            state, effects = advance(
                program, claimed.state, claimed.events, types=types, limits=limits
            )
    except Exception as error:  # any failure ends this instance, never the host
        state = {"v": STATE_VERSION, "status": "failed", "next": 1, "frames": [], "wait": None}
        effects = [Fail(error=error_json(error))]
    return StepCommit(
        instance_id=claimed.instance_id,
        state=state,
        plan=plan_step(effects, now, rng),
        cursor=claimed.cursor,
    )


class ProgramCache:
    """Parsed programs by version: a store holds `.wrl` text, a runner parses each version once."""

    def __init__(self, parse: Callable[[str], Any], limit: int = 256) -> None:
        self._parse = parse
        self._limit = limit
        self._programs: dict[str, ir.Workflow] = {}

    def __call__(self, claimed: ClaimedInstance) -> ir.Workflow:
        program = self._programs.get(claimed.version)
        if program is None:
            program = self._select(self._parse(claimed.wrl), claimed.workflow)
            if len(self._programs) >= self._limit:
                self._programs.pop(next(iter(self._programs)))
            self._programs[claimed.version] = program
        return program

    @staticmethod
    def _select(parsed: Any, name: str) -> ir.Workflow:
        if isinstance(parsed, ir.Workflow):
            return parsed
        for program in parsed:
            if isinstance(program, ir.Workflow) and program.name == name:
                return program
        raise InternalError(f"the stored program has no workflow named {name!r}")
