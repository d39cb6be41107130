import asyncio

from waymark import Workflow, action, workflow


@action
async def compute(x: int) -> int:
    return x


@workflow
class ReturnAwaitWorkflow(Workflow):
    async def run(self, x: int) -> object:
        if x > 10:
            return await compute(x)
        if x > 5:
            return await asyncio.gather(compute(x), compute(x + 1))
        return await self.double(x)

    async def double(self, x: int) -> int:
        return await compute(x * 2)
