"""A started task's result, and a gathered helper's, is the object its helper returned: saved
with the instance's other values (one object under every name, across a save and a load), and a
stored result that does not decode is a malformed state."""

from __future__ import annotations

from typing import Any

import pytest

from waymark_compiler.api import compile_source
from waymark_runtime import interpreter, ir
from waymark_runtime.effects import ActionFinished, Complete, DispatchAction
from waymark_runtime.interpreter import decode_state, encode_state
from waymark_runtime.interpreter.persisted import InstanceState, StateFormatError

SOURCE = """
import asyncio
from waymark import Workflow, action, workflow


@action
async def fetch(item: int) -> int:
    return item


@workflow
class Held(Workflow):
    async def fill(self, box: list[int]) -> list[int]:
        box.append(await fetch(1))
        return box

    async def run(self) -> list[object]:
        box: list[int] = []
        task = asyncio.create_task(self.fill(box))
        later = await fetch(2)
        got = await task
        got.append(later)
        return [got is box, box, (await task) is box]


@workflow
class Gathered(Workflow):
    async def fill(self, box: list[int]) -> list[int]:
        box.append(await fetch(1))
        return box

    async def run(self) -> list[object]:
        box: list[int] = []
        got, later = await asyncio.gather(self.fill(box), fetch(2))
        got.append(later)
        return [got is box, box]
"""


def _program(name: str = "Held") -> ir.Workflow:
    compiled = {w.program.name: w.program for w in compile_source(SOURCE, "t.py", "t").workflows}
    return compiled[name]


def _reloaded(state: InstanceState) -> InstanceState:
    return decode_state(encode_state(state))


def _task_ended(name: str = "Held") -> tuple[ir.Workflow, InstanceState, DispatchAction]:
    """The state once the task has ended, the main stack still awaiting `fetch(2)`."""
    program = _program(name)
    state, effects = interpreter.start(program, {})
    dispatched = [e for e in effects if isinstance(e, DispatchAction)]
    state, effects = interpreter.advance(program, _reloaded(state), [])
    dispatched += [e for e in effects if isinstance(e, DispatchAction)]
    by_arg = {e.args[0]: e for e in dispatched}
    ended = ActionFinished(node=by_arg[1].node, attempt=1, ok=True, value=1)
    state, _ = interpreter.advance(program, _reloaded(state), [ended])
    return program, state, by_arg[2]


def test_the_result_is_the_object_the_workflow_holds_across_a_reload() -> None:
    program, state, main = _task_ended()
    document = encode_state(state)
    (entry,) = document["started"]
    assert entry["status"] == "ok" and entry["value"]["$t"] == "ref"  # the frame's `box`
    done = ActionFinished(node=main.node, attempt=1, ok=True, value=2)
    _, effects = interpreter.advance(program, decode_state(document), [done])
    assert effects == [Complete(result=[True, [1, 2], True])]


@pytest.mark.parametrize("value", [{"$t": "ref", "v": 99}, {"$t": "mref", "v": 5}])
def test_a_stored_result_that_does_not_decode_is_a_state_format_error(value: Any) -> None:
    program, state, main = _task_ended()
    document = encode_state(state)
    document["started"] = [{**document["started"][0], "value": value}]
    done = ActionFinished(node=main.node, attempt=1, ok=True, value=2)
    with pytest.raises(StateFormatError):
        interpreter.advance(program, decode_state(document), [done])


def test_a_gathered_helper_result_is_kept_as_the_object_while_its_gather_waits() -> None:
    program, state, main = _task_ended("Gathered")
    document = encode_state(state)
    (held,) = document["returned"].values()
    assert held["$t"] == "ref"  # the frame's `box`
    done = ActionFinished(node=main.node, attempt=1, ok=True, value=2)
    state, effects = interpreter.advance(program, decode_state(document), [done])
    assert effects == [Complete(result=[True, [1, 2]])]
    assert "returned" not in encode_state(state)


def test_a_stored_gathered_result_that_does_not_decode_is_a_state_format_error() -> None:
    program, state, main = _task_ended("Gathered")
    document = {**encode_state(state), "returned": {"$t": "ref", "v": 99}}
    done = ActionFinished(node=main.node, attempt=1, ok=True, value=2)
    with pytest.raises(StateFormatError):
        interpreter.advance(program, decode_state(document), [done])
