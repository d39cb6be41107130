"""Effect handling: from the interpreter's effects to what a runner must persist.

`step_held` runs one interpreter step of a held instance on its `LiveInstance` (built from the
claimed state at its first step) and returns the `StepCommit` the runner turns into rows
(`step_instance`: the same for one claim, always with a state); the effects of the step become
its `StepPlan` (`step_plan.plan_step`: actions to enqueue with their ready time, timers, the
outcome). Here too: the records exchanged with a store (`NewInstance`, `ClaimedInstance`) and
the cache of parsed programs. There is one runner (`runner.Runner`), on PostgreSQL or on
`LocalRuntime`'s memory store, so one implementation of effect handling. No I/O happens here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime import ir
from waymark_runtime.config import Settings
from waymark_runtime.effects import JSON, Effect, Event, Fail
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
from waymark_runtime.step_plan import StepPlan, plan_step
from waymark_runtime.values import error_json

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
