"""A task's handle is a value inside the workflow only: passed to an action (alone or inside a
list), given to a child workflow or returned from `run()`, it is refused with words that say
so, at the line it leaves from. Awaited, its result leaves as any value does."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from waymark import Workflow, action, workflow
from waymark._workflow import definition_of
from waymark.testing import LocalRuntime
from waymark_runtime.errors import ValueNotSerializable


@action
async def made(name: str) -> str:
    return name.upper()


@action
async def accept(value: Any) -> int:
    return 1


@workflow
class TakesAny(Workflow):
    async def run(self, value: Any) -> int:
        return 1


@workflow
class HandsOut(Workflow):
    async def run(self, case: str) -> Any:
        task = asyncio.ensure_future(made(case))
        if case == "action":
            return await accept(task)  # leaves: action
        if case == "listed":
            return await accept([1, task])  # leaves: listed
        if case == "child":
            return await TakesAny().run(task)  # leaves: child
        if case == "awaited":
            return await accept(await task)
        return {"task": task}  # leaves: return


def _line(text: str) -> int:
    lines, first = inspect.getsourcelines(HandsOut)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("case", ["action", "listed", "child", "return"])
async def test_a_task_cannot_leave_the_workflow(case: str) -> None:
    async with LocalRuntime() as runtime:
        instance = await runtime.submit(definition_of(HandsOut), {"case": case})
        with pytest.raises(ValueNotSerializable, match=r"a task \(<Task name=.*\) cannot leave"):
            await runtime.result(instance)
        outcome = await runtime.outcome(instance)
    assert outcome is not None and not outcome.ok
    assert outcome.value["where"]["line"] == _line(f"# leaves: {case}")


async def test_an_awaited_task_leaves_as_its_result() -> None:
    async with LocalRuntime():
        assert await HandsOut().run("awaited") == 1
