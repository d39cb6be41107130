import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> int:
    return 1


@workflow
class AsyncHelperWorkflow(Workflow):
    async def run(self, keys: list[str]) -> int:
        total = 0
        for key in keys:
            total += await self.fetch_twice(key)
        await self.pause()
        result = await self.fetch_twice(key=keys[0])
        return total + result

    async def fetch_twice(self, key: str) -> int:
        first, second = await asyncio.gather(fetch(key), fetch(key + "!"))
        return first + second

    async def pause(self) -> None:
        await asyncio.sleep(1)
