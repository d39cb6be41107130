import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str, page: int = 1) -> str:
    return f"{key}:{page}"


@workflow
class DeferredCallsWorkflow(Workflow):
    async def enrich(self, text: str) -> str:
        return (await fetch(text)).upper()

    async def run(self, key: str) -> object:
        later = fetch(key, page=2)
        first = await fetch(key)
        task = asyncio.create_task(self.enrich(first))
        enriched = await task
        second = await later
        future = asyncio.ensure_future(fetch(second))
        last = await future
        return enriched, last
