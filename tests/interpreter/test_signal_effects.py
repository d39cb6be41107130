"""The interpreter's side of a signal wait: the effect, the payload as the await's value, the
timeout as `SignalTimeout` in the body, stale events ignored, a bad timeout raised in the body."""

from __future__ import annotations

from typing import Any

from waymark import SignalTimeout, Workflow, workflow
from waymark._workflow import definition_of
from waymark_runtime.effects import Complete, SignalReceived, SleepFinished, WaitSignal
from waymark_runtime.interpreter import advance, start


@workflow
class Waiting(Workflow):
    async def run(self, seconds: Any) -> str:
        try:
            value = await self.wait_for_signal("go", int, timeout=seconds)
        except SignalTimeout as error:
            return f"timeout: {error}"
        except TypeError as error:
            return f"bad timeout: {error}"
        return f"got {value + 1}"


PROGRAM = definition_of(Waiting).program


def test_a_wait_is_an_effect_and_the_payload_is_the_await_value() -> None:
    state, effects = start(PROGRAM, {"seconds": 30})
    assert effects == [WaitSignal(node="n1", name="go", timeout=30.0, site="run.0.body.0")]
    stale, _ = advance(PROGRAM, state, [SignalReceived(node="n9", value=1)])
    assert stale == state  # an event of another wait changes nothing
    _, effects = advance(PROGRAM, state, [SignalReceived(node="n1", value=41)])
    assert effects == [Complete(result="got 42")]


def test_the_timeout_raises_signal_timeout_in_the_body() -> None:
    state, _ = start(PROGRAM, {"seconds": 30})
    _, effects = advance(
        PROGRAM, state, [SleepFinished(node="n1"), SignalReceived(node="n1", value=1)]
    )
    assert effects == [Complete(result="timeout: no signal 'go' arrived before the timeout")]


def test_no_timeout_and_a_bad_timeout() -> None:
    _, effects = start(PROGRAM, {"seconds": None})
    assert effects == [WaitSignal(node="n1", name="go", timeout=None, site="run.0.body.0")]
    _, effects = start(PROGRAM, {"seconds": "soon"})
    assert effects == [Complete(result="bad timeout: timeout must be a number of seconds, not str")]
    _, effects = start(PROGRAM, {"seconds": -5})
    assert effects == [WaitSignal(node="n1", name="go", timeout=0.0, site="run.0.body.0")]
