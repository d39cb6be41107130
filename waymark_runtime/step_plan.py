"""The plan of one step: from the interpreter's effects to the rows a store must persist.

`plan_step` turns a step's effects into a `StepPlan`: actions to enqueue with their ready time
(delay plus random jitter), timers, children to create, signal waits, log lines and the
instance's outcome. The step itself, and the records exchanged with a store, are in `engine`.
No I/O happens here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime.effects import (
    JSON,
    Complete,
    DispatchAction,
    Effect,
    Fail,
    Iteration,
    StartChild,
    StartSleep,
    WaitSignal,
    WriteLog,
)


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
