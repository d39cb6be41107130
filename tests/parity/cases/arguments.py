"""Action arguments arrive as the values the workflow computed: nothing is coerced to the
parameters' annotations (a `str` passed to an `int` parameter stays a `str`), as in CPython."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Item(BaseModel):
    sku: str
    count: int


@dataclass
class Pair:
    left: int
    right: int


@action
async def add(a: int, b: int) -> object:
    return a + b


@action
async def describe(value: int) -> str:
    return f"{type(value).__name__}:{value!r}"


@action
async def total(item: Item, pair: Pair) -> list[object]:
    return [type(item).__name__, item.count * 2, type(pair).__name__, pair.left + pair.right]


@workflow
class UncoercedArguments(Workflow):
    async def run(self, x: object, y: object) -> list[object]:
        summed = await add(x, y)
        shown = await describe(x)
        return [summed, shown]


@workflow
class BadArgumentRaisesAsInPython(Workflow):
    async def run(self, x: object) -> object:
        try:
            return await add(x, 1)
        except TypeError as error:
            return ["TypeError", str(error)]


@workflow
class ModelArgumentsRebuilt(Workflow):
    async def run(self, sku: str) -> list[object]:
        return await total(Item(sku=sku, count=3), Pair(1, 2))
