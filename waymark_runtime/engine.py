"""Effect handling: from the interpreter's effects to what a runner must persist.

`plan_step` turns the interpreter's effects into a `StepPlan` (actions to enqueue with their ready
time, timers, the outcome); `step_held` runs one interpreter step of a held instance on its
`LiveInstance` (built from the claimed state at its first step) and returns the `StepCommit`
the runner turns into rows (`step_instance`: the same for one claim, always with a state). There is one runner (`runner.Runner`), on
PostgreSQL or on `LocalRuntime`'s memory store, so one implementation of effect handling.
No I/O happens here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime import ir
from waymark_runtime.config import Settings
from waymark_runtime.effects import (
    JSON,
    Complete,
    DispatchAction,
    Effect,
    Event,
    Fail,
    Iteration,
    StartChild,
    StartSleep,
    WaitSignal,
    WriteLog,
)
from waymark_runtime.errors import InternalError, ProgramMismatch
from waymark_runtime.flow import FlowRule
from waymark_runtime.interpreter import (
    FAILED,
    InstanceState,
    Limits,
    LiveInstance,
    StepContext,
    decode_state,
)
from waymark_runtime.values import error_json

# ---------------------------------------------------------------------------------------------
# The plan: what a store must persist after one interpreter step
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedAction:
    """One attempt of an action to enqueue: run it no earlier than `ready_at` (epoch seconds).
    `site` and `iteration` say where the workflow called it (`DispatchAction`)."""

    node: str
    action: str
    args: tuple[JSON, ...]
    kwargs: dict[str, JSON]
    attempt: int
    ready_at: float
    timeout: float | None
    site: str | None = None
    iteration: Iteration = ()
    attempts: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Timer:
    """A durable sleep: deliver `SleepFinished(node)` once `wake_at` (epoch seconds) has passed.
    `site` and `iteration` say where the workflow sleeps (`StartSleep`)."""

    node: str
    wake_at: float
    site: str | None = None
    iteration: Iteration = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedChild:
    """A child instance to create with the step (`StartChild`); its outcome (blocking) or its
    id (detached) is the result of the parent's attempt 1 of `node`."""

    node: str
    workflow: str
    inputs: dict[str, JSON]
    blocking: bool
    site: str | None = None
    iteration: Iteration = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedWait:
    """A wait for signal `name` to record with the step (`WaitSignal`); its timeout, if any,
    is a `Timer` of the same node."""

    node: str
    name: str
    site: str | None = None
    iteration: Iteration = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceOutcome:
    """How an instance ended: `ok` with `value` its JSON result, or not ok with an exception value."""

    ok: bool
    value: JSON


@dataclass(slots=True, kw_only=True)
class StepPlan:
    actions: list[PlannedAction] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    children: list[PlannedChild] = field(default_factory=list)
    waits: list[PlannedWait] = field(default_factory=list)
    outcome: InstanceOutcome | None = None
    logs: list[WriteLog] = field(default_factory=list)
    """The instance's log lines the step wrote: recorded with it, emitted once committed."""


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
            site=effect.site,
            iteration=effect.iteration,
            attempts=effect.attempts,
        )
    )


def _plan_StartSleep(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.timers.append(Timer(node=effect.node, wake_at=now + effect.seconds, site=effect.site,
                             iteration=effect.iteration))  # fmt: skip


def _plan_StartChild(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.children.append(PlannedChild(node=effect.node, workflow=effect.workflow,
                                      inputs=effect.inputs, blocking=effect.blocking,
                                      site=effect.site, iteration=effect.iteration))  # fmt: skip


def _plan_WaitSignal(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.waits.append(PlannedWait(node=effect.node, name=effect.name, site=effect.site,
                                  iteration=effect.iteration))  # fmt: skip
    if effect.timeout is not None:
        plan.timers.append(Timer(node=effect.node, wake_at=now + effect.timeout,
                                 site=effect.site, iteration=effect.iteration))  # fmt: skip


def _plan_Complete(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.outcome = InstanceOutcome(ok=True, value=effect.result)


def _plan_Fail(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.outcome = InstanceOutcome(ok=False, value=effect.error)


def _plan_WriteLog(plan: StepPlan, effect: Any, now: float, rng: random.Random) -> None:
    plan.logs.append(effect)


_PLANNERS: dict[type, Callable[[StepPlan, Any, float, random.Random], None]] = {
    DispatchAction: _plan_DispatchAction,
    StartSleep: _plan_StartSleep,
    StartChild: _plan_StartChild,
    WaitSignal: _plan_WaitSignal,
    Complete: _plan_Complete,
    Fail: _plan_Fail,
    WriteLog: _plan_WriteLog,
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
    idempotency_key: str | None = None
    """At most one instance per (workflow, key) exists: a start with a taken key joins it."""
    deadline: float | None = None
    """When the instance, if still unfinished, ends as `WorkflowTimeout` (epoch seconds)."""
    trace: str | None = None
    """The W3C `traceparent` of the span that created it (OpenTelemetry), if any."""
    family: tuple[tuple[str, str, str], ...] = ()
    """`(workflow, version, wrl)` of every workflow the program may start as a child, directly
    or not: registered with the instance and pinned for its whole tree."""
    flow: tuple[FlowRule, ...] = ()
    """The concurrency rules of the workflow and its family (`flow.rules_of`): the store keeps
    them, and they apply to every instance of those workflows created from then on."""

    def pins(self) -> dict[str, str]:
        """The versions the instance's tree runs: its own, and its family's."""
        return {self.workflow: self.version, **{name: v for name, v, _ in self.family}}

    def programs(self) -> dict[tuple[str, str], str]:
        return {(self.workflow, self.version): self.wrl,
                **{(name, v): wrl for name, v, wrl in self.family}}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Family:
    """Where an instance stands in a tree of child workflows: the versions pinned for the tree
    (`pins`, workflow name -> version), its depth (the root is 0), its parent (None for a
    root) and how many children it started so far."""

    pins: dict[str, str] = field(default_factory=dict)
    depth: int = 0
    parent_id: str | None = None
    children: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedInstance:
    """An instance a runner holds the lease of, with everything one step needs.

    `state` is None for an instance that has not started, else the `InstanceState` the
    runner kept from its last step or the JSON document a store read (decoded by the step, so
    a state that does not decode fails this instance only). `events` are the unconsumed events
    (action results, finished sleeps), oldest first; `cursor` is the store's opaque marker of the
    newest of them, handed back in the commit so exactly these events are marked consumed.
    """

    instance_id: str
    workflow: str
    version: str
    wrl: str
    inputs: dict[str, JSON]
    state: InstanceState | JSON | None
    events: list[Event]
    cursor: Any = None
    trace: str | None = None
    family: Family = field(default_factory=Family)


@dataclass(frozen=True, slots=True, kw_only=True)
class StepCommit:
    """The result of one step, to persist in ONE transaction for the instance.

    Store: `state` (the new continuation), consume the claimed events up to `cursor`, insert
    `plan.actions` and `plan.timers`, and when `plan.outcome` is set mark the instance finished
    and notify waiters. Then release the lease. `state` is None after a step of a live
    instance whose events only settled calls of a wait still pending (`LiveInstance.moved`):
    the stored state stays, and those results are recorded unconsumed.
    """

    instance_id: str
    state: InstanceState | None
    plan: StepPlan
    cursor: Any = None


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
        regex_milliseconds=settings.max_regex_milliseconds,
        payload_bytes=settings.max_payload_bytes,
    )


def step_instance(
    claimed: ClaimedInstance,
    load: ProgramLoader,
    now: float,
    rng: random.Random,
    context: StepContext | None = None,
) -> StepCommit:
    """Run the interpreter for one claimed instance (its events, on its state); the commit
    always carries the new state. Never raises for a bad program or value (`step_held`)."""
    live, commit = step_held(None, claimed, claimed.events, load, now, rng, context)
    if commit.state is None and live is not None:
        commit = StepCommit(instance_id=commit.instance_id, state=live.saved(),
                            plan=commit.plan, cursor=commit.cursor)  # fmt: skip
    return commit


def step_held(
    live: LiveInstance | None,
    claimed: ClaimedInstance,
    events: Sequence[Event],
    load: ProgramLoader,
    now: float,
    rng: random.Random,
    context: StepContext | None = None,
) -> tuple[LiveInstance | None, StepCommit]:
    """One step of a held instance: `events` delivered to `live`, or, on its first step, to
    the instance built from the claim (started, or resumed from its stored state). Returns the
    live instance to keep (None once it failed outside the interpreter) and the commit.

    A program that does not load (bad `.wrl`) or an interpreter bug fails this instance only;
    so does one that exceeds the limits of `context` (default `StepContext()`: default limits,
    the type registry), or whose stored state does not decode (`StateFormatError`).
    """
    state: InstanceState | None
    try:
        if live is None:
            live, effects = _built(claimed, events, load, context or StepContext())
        else:
            effects = live.deliver(events)
        state = live.saved() if live.moved else None
    except Exception as error:  # any failure ends this instance, never the host
        live, state, effects = None, FAILED, [Fail(error=error_json(error))]
    commit = StepCommit(instance_id=claimed.instance_id, state=state,
                        plan=plan_step(effects, now, rng), cursor=claimed.cursor)  # fmt: skip
    return live, commit


def _built(
    claimed: ClaimedInstance, events: Sequence[Event], load: ProgramLoader, context: StepContext
) -> tuple[LiveInstance, list[Effect]]:
    """The live instance of a claim, and the effects of its first step."""
    program = load(claimed)
    if claimed.state is None:
        return LiveInstance.start(program, claimed.inputs, context)
    saved = claimed.state
    if not isinstance(saved, InstanceState):
        saved = decode_state(saved)
    live = LiveInstance.resume(program, saved, context)
    return live, live.deliver(events)


def check_programs(programs: dict[tuple[str, str], str]) -> None:
    """Refuse `(workflow, version) -> text` entries whose text is not that version of that
    workflow (`ProgramMismatch`): what a store checks before it keeps a program."""
    from waymark_runtime.wrl.integrity import check_program

    for (workflow, version), text in programs.items():
        check_program(workflow, version, text)


class ProgramCache:
    """Parsed programs by version: a store holds `.wrl` text, a runner parses each version once,
    after checking that the text is that version of the instance's workflow (a forged row in
    the versions table fails its instances instead of running). A version whose text changed
    (re-registered with moved source positions) is parsed again, so errors name current lines.
    Each program is kept with the workflows it can call as children (`children`)."""

    def __init__(self, parse: Callable[[str], Any], limit: int = 256) -> None:
        self._parse = parse
        self._limit = limit
        self._programs: dict[str, tuple[str, ir.Workflow, frozenset[str]]] = {}

    def __call__(self, claimed: ClaimedInstance) -> ir.Workflow:
        return self._entry(claimed)[1]

    def children(self, claimed: ClaimedInstance) -> frozenset[str]:
        """The workflows the instance's program can call as children (`ir.child_names`)."""
        return self._entry(claimed)[2]

    def _entry(self, claimed: ClaimedInstance) -> tuple[str, ir.Workflow, frozenset[str]]:
        cached = self._programs.get(claimed.version)
        if cached is None or (claimed.wrl and claimed.wrl != cached[0]):
            check_programs({(claimed.workflow, claimed.version): claimed.wrl})
            program = self._select(self._parse(claimed.wrl), claimed.workflow)
            if cached is None and len(self._programs) >= self._limit:
                self._programs.pop(next(iter(self._programs)))
            cached = (claimed.wrl, program, frozenset(ir.child_names(program)))
            self._programs[claimed.version] = cached
        if cached[1].name != claimed.workflow:
            raise ProgramMismatch(
                f"version {claimed.version} is not a version of {claimed.workflow}"
            )
        return cached

    @staticmethod
    def _select(parsed: Any, name: str) -> ir.Workflow:
        if isinstance(parsed, ir.Workflow):
            return parsed  # its name is checked by the caller
        for program in parsed:
            if isinstance(program, ir.Workflow) and program.name == name:
                return program
        raise InternalError(f"the stored program has no workflow named {name!r}")
