"""Effects: parallel dispatch, retry policies as attempts and delays, sleeps, failures."""

from __future__ import annotations

import asyncio

from tests.interpreter.host import Trace, drive
from waymark import ActionTimeout, BackoffPolicy, RetryPolicy, Workflow, action, workflow
from waymark._workflow import definition_of
from waymark_runtime.effects import ActionFinished, DispatchAction, Fail, StartSleep
from waymark_runtime.interpreter import advance, start
from waymark_runtime.values import error_json

FAILURES: dict[str, int] = {}


class Flaky(Exception):
    pass


@action
async def flaky(key: str, times: int) -> str:
    FAILURES[key] = FAILURES.get(key, 0) + 1
    if FAILURES[key] <= times:
        raise Flaky(f"{key} #{FAILURES[key]}")
    return key


@action
async def square(x: int) -> int:
    return x * x


@workflow
class Fan(Workflow):
    async def run(self, n: int) -> list[int]:
        return await asyncio.gather(*[square(i) for i in range(n)])


@workflow
class Retried(Workflow):
    async def run(self, times: int) -> str:
        return await self.run_action(
            flaky("r", times),
            retry=RetryPolicy(attempts=4),
            backoff=BackoffPolicy(base_delay=2, multiplier=3, max_delay=10, jitter=0.5),
            timeout=7,
        )


@workflow
class FixedBackoff(Workflow):
    async def run(self) -> str:
        return await self.run_action(
            flaky("f", 2), retry=RetryPolicy(attempts=3, backoff_seconds=1.5)
        )


@workflow
class Timeouts(Workflow):
    async def run(self, named: bool) -> str:
        if named:
            return await self.run_action(
                square(1), retry=RetryPolicy(attempts=2, exception_types=[ActionTimeout]), timeout=1
            )
        return await self.run_action(square(1), retry=RetryPolicy(attempts=2), timeout=1)


@workflow
class Sleeper(Workflow):
    async def run(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "awake"


@workflow
class Unknown(Workflow):
    async def run(self) -> str:
        try:
            await square(2)
        except Exception:
            return "swallowed"
        return "ran"


def program(cls: type) -> object:
    return definition_of(cls).program


def test_a_gather_dispatches_every_action_in_one_step() -> None:
    _state, effects = start(program(Fan), {"n": 4})
    assert [(e.node, e.args) for e in effects] == [
        ("n1", (0,)),
        ("n2", (1,)),
        ("n3", (2,)),
        ("n4", (3,)),
    ]


def test_an_empty_spread_dispatches_nothing() -> None:
    _, effects = start(program(Fan), {"n": 0})
    assert [type(e).__name__ for e in effects] == ["Complete"]
    assert effects[0].result == []


async def test_results_come_back_in_argument_order_whatever_the_completion_order() -> None:
    outcome = await drive(program(Fan), {"n": 5}, order=lambda events: events[::-1])
    assert outcome == ("returned", [0, 1, 4, 9, 16])


async def test_retries_keep_the_node_and_follow_the_backoff_policy() -> None:
    FAILURES.clear()
    trace = Trace()
    assert await drive(program(Retried), {"times": 3}, trace=trace) == ("returned", "r")
    attempts = [(d.node, d.attempt, d.delay, d.jitter, d.timeout) for d in trace.dispatched()]
    assert attempts == [("n1", 1, 0.0, 0.0, 7.0), ("n1", 2, 2.0, 0.5, 7.0), ("n1", 3, 6.0, 0.5, 7.0),
                        ("n1", 4, 10.0, 0.5, 7.0)]  # fmt: skip


async def test_a_spent_budget_surfaces_the_last_exception() -> None:
    FAILURES.clear()
    assert await drive(program(Retried), {"times": 9}) == ("raised", "Flaky", "r #4")


async def test_fixed_backoff_seconds() -> None:
    FAILURES.clear()
    trace = Trace()
    await drive(program(FixedBackoff), {}, trace=trace)
    assert [d.delay for d in trace.dispatched()] == [0.0, 1.5, 1.5]


def _timed_out(state: dict, wf: object, attempt: int) -> tuple[dict, list]:
    error = error_json(ActionTimeout("action timed out after 1s"))
    return advance(wf, state, [ActionFinished(node="n1", attempt=attempt, ok=False, value=error)])


def test_action_timeout_is_retried_only_when_named() -> None:
    wf = program(Timeouts)
    state, effects = start(wf, {"named": False})
    assert effects[0].timeout == 1.0
    _, effects = _timed_out(state, wf, 1)
    assert isinstance(effects[0], Fail) and effects[0].error["type"].endswith(":ActionTimeout")
    state, _ = start(wf, {"named": True})
    _, effects = _timed_out(state, wf, 1)
    assert isinstance(effects[0], DispatchAction) and effects[0].attempt == 2


def test_durable_sleep_is_an_effect_and_zero_sleeps_are_free() -> None:
    _state, effects = start(program(Sleeper), {"seconds": 86400})
    assert effects == [StartSleep(node="n1", seconds=86400.0, site="run.0")]
    _, effects = start(program(Sleeper), {"seconds": 0})
    assert [type(e).__name__ for e in effects] == ["Complete"]


def test_failures_carry_the_exception_value_and_the_workflow_line() -> None:
    wf = program(Retried)
    state, _ = start(wf, {"times": 0})
    for attempt in range(1, 5):
        error = error_json(Flaky(f"boom {attempt}"))
        state, effects = advance(
            wf, state, [ActionFinished(node="n1", attempt=attempt, ok=False, value=error)]
        )
    (fail,) = effects
    assert fail.error["type"].endswith(":Flaky") and fail.error["message"] == "boom 4"
    assert "builtins:Exception" in fail.error["bases"]
    assert fail.error["where"] == {
        "function": "run",
        "line": definition_of(Retried).program.run.body[0].span.line,
    }


async def test_an_unknown_action_ends_the_instance_even_inside_try() -> None:
    wf = program(Unknown)
    _, effects = start(wf, {})
    state, _ = start(wf, {})
    from waymark_runtime.execute import execute_action

    outcome = await execute_action("os:system", ["echo hi"], {}, timeout=None)
    _, effects = advance(
        wf, state, [ActionFinished(node="n1", attempt=1, ok=False, value=outcome.value)]
    )
    assert isinstance(effects[0], Fail) and effects[0].error["type"].endswith(":UnknownAction")


def test_a_child_call_is_a_start_child_effect_answered_like_an_action() -> None:
    from tests.runtime.child_flows import CatchChild, Detach
    from waymark_runtime.effects import StartChild

    program = definition_of(CatchChild).program
    state, effects = start(program, {"n": 3})
    assert effects == [StartChild(node="n1", workflow="EvenOnly", inputs={"n": 3}, blocking=True,
                                  site="run.0.body.0")]  # fmt: skip
    error = error_json(ValueError("odd 3"))
    state, effects = advance(program, state, [ActionFinished(node="n1", attempt=1, ok=False,
                                                             value=error)])  # fmt: skip
    assert [type(e).__name__ for e in effects] == ["Complete"]  # caught, never retried
    state, effects = start(definition_of(Detach).program, {"n": 2})
    assert effects == [StartChild(node="n1", workflow="Factorial", inputs={"n": 2},
                                  blocking=False, site="run.0")]  # fmt: skip
