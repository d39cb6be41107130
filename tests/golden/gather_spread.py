import asyncio

from waymark import Workflow, action, workflow


@action
async def square(x: int) -> int:
    return x * x


@action
async def pair(x: int, y: int) -> int:
    return x + y


@workflow
class SpreadWorkflow(Workflow):
    async def run(self, xs: list[int], ys: list[int]) -> list[int]:
        squares = await asyncio.gather(*[square(x) for x in xs])
        evens = await asyncio.gather(*[square(x) for x in xs if x % 2 == 0 if x > 0])
        pairs = await asyncio.gather(*(pair(x, y) for x in xs for y in ys))
        mixed = await asyncio.gather(square(1), *[square(x) for x in xs], square(2))
        return squares + evens + pairs + mixed
