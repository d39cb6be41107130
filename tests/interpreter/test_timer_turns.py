"""Sleeps delivered in one step end in one turn, as asyncio's timers due at one time do: every
task they wake runs to its next await before a task group or gather hears that one of them
failed. Sleeps delivered in steps of their own are turns of their own."""

from __future__ import annotations

from typing import Any

import pytest

from waymark_compiler.api import compile_source
from waymark_runtime import interpreter, ir
from waymark_runtime.effects import (
    ActionFinished,
    Complete,
    DispatchAction,
    Effect,
    SleepFinished,
    StartSleep,
)

SOURCE = """
import asyncio
from waymark import Workflow, action, workflow


@action
async def step(name: str) -> str:
    return name


async def failing(seconds: float) -> None:
    await asyncio.sleep(seconds)
    raise ValueError("bad")


async def going_on(seconds: float) -> str:
    await asyncio.sleep(seconds)
    await step("good")
    await asyncio.sleep(5)
    return "not reached"


@workflow
class Grouped(Workflow):
    async def run(self) -> str:
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(failing(1))
                tg.create_task(going_on(1))
        except ExceptionGroup as group:
            return f"group {[str(e) for e in group.exceptions]}"
        return "none"


@workflow
class Gathered(Workflow):
    async def run(self) -> str:
        try:
            await asyncio.gather(failing(1), going_on(1))
        except ValueError as error:
            return f"caught {error}"
        return "none"
"""


def _program(name: str) -> ir.Workflow:
    return next(w.program for w in compile_source(SOURCE, "t.py", "t").workflows
                if w.program.name == name)  # fmt: skip


def _of(effects: list[Effect], kind: type) -> list[Any]:
    return [effect for effect in effects if isinstance(effect, kind)]


@pytest.mark.parametrize("workflow", ["Grouped", "Gathered"])
def test_a_sibling_whose_sleep_ends_with_the_failing_one_goes_on_first(workflow: str) -> None:
    program = _program(workflow)
    state, effects = interpreter.start(program, {})
    sleeps = _of(effects, StartSleep)
    assert len(sleeps) == 2
    ended = [SleepFinished(node=sleep.node) for sleep in sleeps]
    state, effects = interpreter.advance(program, state, ended)
    [dispatched] = _of(effects, DispatchAction)
    assert dispatched.args == ("good",)
    if workflow == "Grouped":  # the group cancels the sibling where it then waits
        assert _of(effects, Complete) == [Complete(result="group ['bad']")]
    else:
        assert _of(effects, Complete) == [Complete(result="caught bad")]
    finished = ActionFinished(node=dispatched.node, attempt=1, ok=True, value="good")
    assert interpreter.advance(program, state, [finished])[1] == []


@pytest.mark.parametrize("workflow", ["Grouped", "Gathered"])
def test_a_failure_in_a_turn_of_its_own_stops_the_sibling_before_it_wakes(workflow: str) -> None:
    program = _program(workflow)
    state, effects = interpreter.start(program, {})
    first, second = _of(effects, StartSleep)
    state, effects = interpreter.advance(program, state, [SleepFinished(node=first.node)])
    assert _of(effects, DispatchAction) == []
    assert len(_of(effects, Complete)) == 1
    assert interpreter.advance(program, state, [SleepFinished(node=second.node)])[1] == []
