import asyncio
from datetime import timedelta

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class WaitForFormWorkflow(Workflow):
    async def run(self, key: str) -> str:
        a = await asyncio.wait_for(self.load(key), timeout=5)  # error: WM129 @36
        b = await asyncio.wait_for(fetch(key))  # error: WM129 @19
        c = await asyncio.wait_for(fetch(key), 5, 6)  # error: WM129 @51
        d = await asyncio.wait_for(fetch(key), timeout=timedelta(seconds=5))  # error: WM127 @56
        e = await asyncio.wait_for(fetch(key), timeout=0)  # error: WM127 @56
        f = await asyncio.wait_for(fetch(key), limit=5)  # error: WM129 @48
        g = asyncio.wait_for(fetch(key), 5)  # error: WM106 @13
        return a + b + c + d + e + f + str(g)

    async def load(self, key: str) -> str:
        return await fetch(key)
