"""One held instance's step: its child lookups, the interpreter step, its reports, its change.

`Stepper` owns what every step of this runner shares (the program cache, the interpreter's
limits and type resolver, the random source, the child-workflow lookups) and turns a held
instance into the `Change` its next commit writes. It never commits or dispatches, and an
instance whose program or data is bad gets a failing change, never an exception.
"""

from __future__ import annotations

import random
from typing import Any

from waymark_runtime import gate, metrics
from waymark_runtime.changes import Change, RunnerRules, failure, prepare
from waymark_runtime.child_lookup import ChildLookup
from waymark_runtime.config import Settings
from waymark_runtime.engine import ProgramCache, StepCommit, limits_of, step_held
from waymark_runtime.held import Held
from waymark_runtime.interpreter import StepContext
from waymark_runtime.store.contract import RunnerStore
from waymark_runtime.values import TypeResolver, error_json
from waymark_runtime.worker import report

SLICE = 0.05
"""Seconds of steps one turn of the event loop may take before the rest wait for the next
(heartbeats and replies run in between; a step itself is bounded by the limits)."""


def parse_wrl(text: str) -> Any:
    """Parse a stored program; `""` only loads the parser (building it takes a moment)."""
    from waymark_runtime.wrl import parse

    return parse(text) if text else None


class Stepper:
    """The steps of the instances one runner holds, taken one at a time on its event loop."""

    def __init__(
        self,
        store: RunnerStore,
        settings: Settings,
        held: dict[str, Held],
        types: TypeResolver | None,
        rng: random.Random | None,
    ) -> None:
        self.programs = ProgramCache(parse_wrl)
        self.children = ChildLookup(store, self.programs, held)
        # The interpreter's limits and type resolver; steps run one at a time on this loop.
        self.step_context = StepContext(limits=limits_of(settings), types=types)
        self.rng = rng or random.Random()
        self.settings = settings

    def rules(self, now: float, stopping: bool) -> RunnerRules:
        """The rules of the steps taken at `now`."""
        settings = self.settings
        return RunnerRules(now=now, evict_after=settings.evict_sleep_threshold_ms / 1000,
                           stopping=stopping, announce_within=settings.poll_interval_ms / 1000, max_child_depth=settings.max_child_depth,
                           max_children=settings.max_children, gated=gate.gated,
                           registered=self.children.registered.__contains__)  # fmt: skip

    @staticmethod
    def wants_commit(held: Held, rules: RunnerRules) -> bool:
        """Whether the instance has something to commit. One past its deadline steps no more:
        its deadline timer (due now) ends it, even when a reply was read before the timer ran
        (a runner frozen past the deadline reads the replies that piled up first)."""
        if held.deadline is not None and rules.now >= held.deadline and not rules.stopping:
            return False
        return held.needs_commit() or (rules.stopping and not held.running)

    async def change_of(self, held: Held, rules: RunnerRules) -> Change | None:
        """The instance's change; None when it was let go while its child workflows were
        looked up."""
        if held.broken is None and held.needs_step() and not await self.children.known(held):
            return None
        return self.change_known(held, rules)

    def change_known(self, held: Held, rules: RunnerRules) -> Change:
        """The instance's change, when the child workflows its step may call are known (no
        lookup is due: `ChildLookup.unknown` is empty, or `known` just ran)."""
        try:
            if held.broken is not None:
                raise held.broken
            step: StepCommit | None = None
            if held.needs_step():
                held.live, step = step_held(held.live, held.claimed, held.events, self.programs,
                                            rules.now, self.rng, self.step_context)  # fmt: skip
            if held.failed:
                report.attempt_failures(held, step)
            if step is not None and (recording := metrics.current()) is not None:
                for planned in step.plan.actions:
                    if planned.attempt > 1:
                        recording.attempt_retried(planned.action)
            if step is not None and step.plan.outcome is not None and not step.plan.outcome.ok:
                report.instance_failure(held, step.plan.outcome.value)
            return prepare(held, step, rules)
        except Exception as error:  # a value that will not store fails its instance only
            report.instance_failure(held, error_json(error))
            return failure(held, error)
