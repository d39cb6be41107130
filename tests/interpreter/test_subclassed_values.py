"""Subclasses of the builtin value types travel as their base type: the value of an `int`,
`float`, `str`, `list`, `dict` or `tuple` subclass is kept, its class is not (models,
dataclasses, enums and named tuples keep theirs). The value is the base type's own, never what
an overridden `__str__`, `__int__` or `__float__` says."""

from __future__ import annotations

from typing import Any

import pytest

from waymark import Workflow, action, workflow
from waymark.testing import LocalRuntime
from waymark_runtime.values import from_json, to_json


class Label(str):
    def __str__(self) -> str:
        return "forged"


class Count(int):
    def __int__(self) -> int:
        return 99

    def __index__(self) -> int:
        return 98


class Ratio(float):
    def __float__(self) -> float:
        return 1.5


class Row(dict[str, int]):
    pass


class Items(list[int]):
    pass


class Pair(tuple[int, int]):
    pass


SUBCLASSED: list[tuple[Any, Any]] = [
    (Label("a"), "a"),
    (Count(3), 3),
    (Ratio(2.0), 2.0),
    (Row(a=1), {"a": 1}),
    (Items([1, 2]), [1, 2]),
    (Pair((1, 2)), (1, 2)),
]


@pytest.mark.parametrize(("value", "plain"), SUBCLASSED, ids=lambda v: type(v).__name__)
def test_a_subclass_is_stored_as_its_base_value(value: Any, plain: Any) -> None:
    read = from_json(to_json(value))
    assert read == plain and type(read) is type(plain)


@action
async def hand_back(value: Any) -> Any:
    return value


@workflow
class Echo(Workflow):
    async def run(self, value: Any) -> Any:
        return [value, await hand_back(value)]


@pytest.mark.parametrize(("value", "plain"), SUBCLASSED[:5], ids=lambda v: type(v).__name__)
async def test_inputs_and_action_results_come_back_as_the_base_type(value: Any, plain: Any) -> None:
    async with LocalRuntime():
        given, returned = await Echo().run(value)
    assert given == returned == plain
    assert type(given) is type(returned) is type(plain)
