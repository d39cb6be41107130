"""`LiveInstance`: a machine kept between steps. A step that only settles calls of a pending
wait saves nothing (`moved` is False); the instance rebuilt from the last saved state with
those results as events — what a claim after a crash gets — reaches the same point."""

from __future__ import annotations

import asyncio

from tests.interpreter.test_effects import Flaky, flaky, program, square
from waymark import RetryPolicy, Workflow, action, workflow
from waymark_runtime.effects import ActionFinished, Complete, DispatchAction, Event
from waymark_runtime.interpreter import LiveInstance, StepContext, encode_state
from waymark_runtime.values import error_json


@action
async def word(text: str) -> str:
    return text


@workflow
class Collect(Workflow):
    async def run(self, n: int) -> list:
        results = await asyncio.gather(
            *[self.run_action(flaky(str(i), 0), retry=RetryPolicy(attempts=2)) for i in range(n)],
            return_exceptions=True,
        )
        self.log.info("collected %s", len(results))
        return [r if isinstance(r, str) else "error" for r in results]


@workflow
class Raising(Workflow):
    async def run(self, n: int) -> str:
        try:
            await asyncio.gather(*[square(i) for i in range(n)])
        except Flaky:
            return "caught"
        return "done"


@workflow
class Helpers(Workflow):
    async def run(self, n: int) -> list[str]:
        return await asyncio.gather(*[self.pair(i) for i in range(n)])

    async def pair(self, i: int) -> str:
        first, second = await asyncio.gather(word(f"{i}a"), word(f"{i}b"))
        return first + second


def ok(node: str, value: object) -> ActionFinished:
    return ActionFinished(node=node, attempt=1, ok=True, value=value)


def failed(node: str, attempt: int = 1) -> ActionFinished:
    return ActionFinished(node=node, attempt=attempt, ok=False, value=error_json(Flaky(node)))


def started(cls: type, n: int) -> tuple[LiveInstance, list[DispatchAction]]:
    live, effects = LiveInstance.start(program(cls), {"n": n}, StepContext())
    assert live.moved
    return live, [e for e in effects if isinstance(e, DispatchAction)]


def rebuilt(cls: type, live: LiveInstance, saved: object, events: list[Event]) -> LiveInstance:
    """What a claim after a crash builds: the stored state, the unconsumed results as events."""
    again = LiveInstance.resume(program(cls), saved, live.context)  # type: ignore[arg-type]
    assert again.deliver(events) == []
    return again


def test_results_of_a_pending_gather_save_nothing_until_it_resumes() -> None:
    live, dispatched = started(Collect, 3)
    stored = live.saved()
    assert [e.node for e in dispatched] == ["n1", "n2", "n3"]
    recorded = [ok("n1", "0"), failed("n2", 2)]  # a stale attempt number is ignored
    for event in recorded:
        assert live.deliver([event]) == [] and not live.moved
    assert encode_state(rebuilt(Collect, live, stored, recorded).saved()) == encode_state(
        live.saved()
    )
    effects = live.deliver([ok("n3", "2")])
    assert not live.moved and effects == []
    effects = live.deliver([failed("n2")])  # a retry is an effect: the state is written
    assert live.moved and [(e.node, e.attempt) for e in effects] == [("n2", 2)]  # type: ignore[union-attr]
    effects = live.deliver([failed("n2", 2)])  # return_exceptions: the gather resumes
    assert live.moved and not live.running
    assert effects[0] == Complete(result=["0", "error", "2"])
    assert effects[-1].message == "collected 3"  # type: ignore[union-attr]


def test_a_failure_that_raises_out_of_the_gather_moves_the_instance() -> None:
    live, _ = started(Raising, 3)
    assert live.deliver([ok("n1", 0)]) == [] and not live.moved
    effects = live.deliver([failed("n2")])
    assert live.moved and effects == [Complete(result="caught")]
    assert live.deliver([ok("n3", 4)]) == [] and not live.moved  # stale: its gather is gone


def test_gathered_helpers_settle_quietly_until_one_returns() -> None:
    live, dispatched = started(Helpers, 2)
    stored = live.saved()
    assert [(e.node, e.args) for e in dispatched] == [
        ("n3", ("0a",)), ("n4", ("0b",)), ("n5", ("1a",)), ("n6", ("1b",))
    ]  # fmt: skip
    assert live.deliver([ok("n3", "0a")]) == [] and not live.moved
    assert live.deliver([ok("n6", "1b")]) == [] and not live.moved
    same = rebuilt(Helpers, live, stored, [ok("n6", "1b"), ok("n3", "0a")])  # any order
    assert encode_state(same.saved()) == encode_state(live.saved())
    assert live.deliver([ok("n4", "0b")]) == [] and live.moved  # helper 0 returned
    assert live.deliver([ok("n5", "1a")]) == [Complete(result=["0a0b", "1a1b"])]
