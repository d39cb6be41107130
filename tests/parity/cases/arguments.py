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


@action
async def pick(sku: str, *bins: str, sep: str = ",") -> str:
    return f"{sku}@{sep.join(bins)}"


@action
async def tag(sku: str, size: int = 1, **meta: str) -> str:
    return f"{sku}x{size}{sorted(meta.items())}"


@workflow
class VariadicActions(Workflow):
    """Actions taking `*args` and `**kwargs`, called with extra positional values (literal and
    spread), with none, and with extra keywords."""

    async def run(self, bins: list[str]) -> list[str]:
        return [
            await pick("CABLE", "A1", "B2"),
            await pick("CABLE", *bins, sep="|"),
            await pick("CABLE"),
            await pick(sku="PLUG"),
            await tag("CABLE", 2, wave="7"),
            await tag(sku="PLUG", zone="B"),
        ]
