import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class TaskHandlesWorkflow(Workflow):
    async def enrich(self, key: str) -> str:
        return await fetch(key)

    async def run(self, keys: list[str]) -> list[object]:
        tasks = [asyncio.create_task(self.enrich(k)) for k in keys]
        by_key = {k: asyncio.ensure_future(fetch(k)) for k in keys}
        first = [await t for t in tasks]
        every = await asyncio.gather(*by_key.values(), return_exceptions=True)
        chosen = asyncio.ensure_future(fetch(keys[0]) if keys else self.enrich("none"))
        return [first, every, await asyncio.gather(*tasks), await chosen]
