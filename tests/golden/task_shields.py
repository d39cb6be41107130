import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class TaskShieldsWorkflow(Workflow):
    async def enrich(self, key: str) -> str:
        return await fetch(key)

    async def run(self, key: str) -> list[object]:
        t = asyncio.create_task(self.enrich(key))
        try:
            async with asyncio.timeout(5):
                first = await asyncio.shield(t)
        except TimeoutError:
            first = await t
        called = await asyncio.shield(fetch(key))
        helped = [await asyncio.shield(self.enrich(key)), await asyncio.shield(t)]
        return [first, called, helped]
