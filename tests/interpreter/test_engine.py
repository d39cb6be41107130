"""The shared effect handling (`plan_step`, `step_instance`); the stores are held to their
contract in tests/runtime/test_store_contract.py."""

from __future__ import annotations

import random

from tests.interpreter.test_effects import Fan, program
from waymark_runtime.effects import ActionFinished, Complete, DispatchAction, Fail, StartSleep
from waymark_runtime.engine import ClaimedInstance, ProgramCache, step_instance
from waymark_runtime.step_plan import InstanceOutcome, StepPlan, Timer, plan_step
from waymark_runtime.wrl import dumps, parse, version_of_canonical

FAN = dumps(program(Fan))


def test_plan_step_turns_effects_into_rows_with_ready_times() -> None:
    effects = [
        DispatchAction(
            node="n1",
            action="m:f",
            args=(1,),
            kwargs={},
            attempt=2,
            delay=5.0,
            jitter=2.0,
            timeout=3.0,
        ),
        StartSleep(node="n2", seconds=60.0),
        Complete(result=[1]),
    ]
    plan = plan_step(effects, 1000.0, random.Random(7))
    (action,) = plan.actions
    assert 1005.0 <= action.ready_at <= 1007.0 and action.ready_at != 1005.0
    assert (action.node, action.attempt, action.timeout) == ("n1", 2, 3.0)
    assert plan.timers == [Timer(node="n2", wake_at=1060.0)]
    assert plan.outcome == InstanceOutcome(ok=True, value=[1])
    assert plan_step([Fail(error={"x": 1})], 0.0, random.Random()).outcome == InstanceOutcome(
        ok=False, value={"x": 1}
    )


def _claimed(wrl: str, state: dict | None = None, events: list | None = None) -> ClaimedInstance:
    return ClaimedInstance(instance_id="i1", workflow="Fan", version=version_of_canonical(wrl),
                           wrl=wrl, inputs={"n": 2}, state=state, events=events or [],
                           cursor=len(events or []))  # fmt: skip


def test_step_instance_runs_the_stored_program_text() -> None:
    wrl = FAN
    load = ProgramCache(parse)
    first = step_instance(_claimed(wrl), load, 0.0, random.Random())
    assert [a.node for a in first.plan.actions] == ["n1", "n2"]
    events = [
        ActionFinished(node=n, attempt=1, ok=True, value=i) for i, n in enumerate(["n1", "n2"])
    ]
    second = step_instance(_claimed(wrl, first.state, events), load, 1.0, random.Random())
    assert second.plan.outcome == InstanceOutcome(ok=True, value=[0, 1]) and second.cursor == 2


def test_a_program_that_does_not_parse_fails_its_instance_only() -> None:
    commit = step_instance(
        _claimed("wrl 2\n\nworkflow Fan\nthis is not a program\n"),
        ProgramCache(parse),
        0.0,
        random.Random(),
    )
    assert isinstance(commit.plan, StepPlan) and commit.plan.outcome is not None
    assert not commit.plan.outcome.ok and commit.state.status == "failed"
