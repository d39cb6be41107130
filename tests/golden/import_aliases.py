import asyncio as aio
from asyncio import gather
from asyncio import sleep as nap

import waymark as wm
from waymark import action as act
from waymark import workflow as flow


@act
async def one() -> int:
    return 1


@wm.action
async def two() -> int:
    return 2


@flow
class AliasesWorkflow(wm.Workflow):
    async def run(self) -> list[int]:
        a, b = await aio.gather(one(), two())
        c = await gather(*[one() for _ in range(2)])
        await aio.sleep(1)
        await nap(2)
        d = await self.run_action(two(), retry=wm.RetryPolicy(attempts=2))
        return [a, b, *c, d]
