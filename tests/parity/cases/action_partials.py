"""`functools.partial` of actions: positional and keyword binding, a partial of a partial,
a call's keywords over the bound ones, `.func`, `.args` and `.keywords`, partials awaited,
gathered, held in tables and passed to helpers, and a partial of a value that is not
callable."""

from __future__ import annotations

import asyncio
import functools
from functools import partial

from waymark import Workflow, action, workflow


@action
async def scale(value: int, factor: int = 2, *, offset: int = 0) -> int:
    return value * factor + offset


@action
async def label(prefix: str, text: str, suffix: str = "") -> str:
    return f"{prefix}{text}{suffix}"


@workflow
class BoundArguments(Workflow):
    async def run(self, value: int) -> list[object]:
        double = functools.partial(scale, factor=2)
        tagged = partial(label, "#")
        loud = partial(tagged, suffix="!")
        results = [
            await double(value),
            await double(value, factor=5),
            await tagged("a"),
            await loud("b"),
            await loud("c", suffix="?"),
            await partial(scale, value, offset=1)(),
        ]
        attributes = [loud.func == label, loud.args, loud.keywords, double.args]
        return [results, attributes]


@workflow
class GatheredPartials(Workflow):
    async def run(self, values: list[int]) -> list[object]:
        steps = [partial(scale, factor=f) for f in (1, 2, 3)]
        spread = await asyncio.gather(*[step(v) for step in steps for v in values])
        fixed = await asyncio.gather(steps[2](10), partial(label, "<")("x", ">"))
        return [spread, fixed, await self.twice(steps[1], 4)]

    async def twice(self, step: object, value: int) -> int:
        return await step(await step(value))


@workflow
class PartialErrors(Workflow):
    async def run(self, case: str) -> str:
        try:
            if case == "number":
                partial(5)
            elif case == "missing":
                await partial(label, "x")()
            return "no error"
        except TypeError as error:
            return f"TypeError: {'callable' in str(error) or 'argument' in str(error)}"
