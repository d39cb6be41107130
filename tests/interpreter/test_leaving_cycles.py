"""A value that holds itself cannot leave the workflow: JSON has no form for it. The result, an
action's argument and a child's input are refused with the codec's own words, naming the
container and the line, never as a step budget spent walking the cycle. Held across an await
inside the workflow, the same value is fine: saved state keeps identity and cycles."""

from __future__ import annotations

import inspect
from collections import ChainMap, deque
from typing import Any

import pytest

from waymark import Workflow, action, workflow
from waymark._workflow import definition_of
from waymark.testing import LocalRuntime
from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.interpreter import Limits


@action
async def accept(value: Any) -> int:
    return 1


@workflow
class Accepts(Workflow):
    async def run(self, value: Any) -> int:
        return 1


@workflow
class SelfHolding(Workflow):
    async def run(self, case: str, kind: str) -> Any:
        value: Any = _looped(kind)
        if case == "action":
            return await accept(value)  # leaves: action
        if case == "keyword":
            return await accept(value=value)  # leaves: keyword
        if case == "child":
            return await Accepts().run(value)  # leaves: child
        if case == "held":
            await accept(1)
            return repr(value)
        return value  # leaves: return


def _looped(kind: str) -> Any:
    if kind == "list":
        items: list[Any] = [1]
        items.append(items)
        return items
    if kind == "dict":
        table: dict[str, Any] = {}
        table["rows"] = [table]
        return table
    if kind == "deque":
        queue: deque[Any] = deque([1])
        queue.append(queue)
        return queue
    maps: ChainMap[str, Any] = ChainMap({})
    maps["self"] = maps
    return maps


def _line(text: str) -> int:
    lines, first = inspect.getsourcelines(SelfHolding)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("case", ["return", "action", "keyword", "child"])
@pytest.mark.parametrize(
    ("kind", "holder"), [("list", "list"), ("dict", "dict"), ("deque", "deque"),
                         ("chainmap", "ChainMap")],
)  # fmt: skip
async def test_a_value_holding_itself_cannot_leave_the_workflow(
    case: str, kind: str, holder: str
) -> None:
    async with LocalRuntime():
        with pytest.raises(ValueNotSerializable) as caught:
            await SelfHolding().run(case, kind)
    assert f"the value contains itself: a {holder} holds itself" in str(caught.value)
    assert "step budget" not in str(caught.value)


@pytest.mark.parametrize("case", ["return", "action", "child"])
async def test_the_refusal_names_the_line_the_value_leaves_at(case: str) -> None:
    async with LocalRuntime() as runtime:
        instance = await runtime.submit(definition_of(SelfHolding), {"case": case, "kind": "list"})
        with pytest.raises(ValueNotSerializable):
            await runtime.result(instance)
        outcome = await runtime.outcome(instance)
    assert outcome is not None and not outcome.ok
    assert outcome.value["where"]["line"] == _line(f"# leaves: {case}")


async def test_a_small_step_budget_still_says_the_value_holds_itself() -> None:
    async with LocalRuntime(limits=Limits(operations=100, payload_bytes=64)):
        with pytest.raises(ValueNotSerializable, match="contains itself"):
            await SelfHolding().run("return", "list")


async def test_a_value_holding_itself_is_fine_across_an_await() -> None:
    async with LocalRuntime():
        assert await SelfHolding().run("held", "list") == "[1, [...]]"
