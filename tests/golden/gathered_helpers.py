import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class GatheredHelpers(Workflow):
    async def run(self, keys: list[str]) -> list[str]:
        first = await asyncio.gather(self.enrich(keys[0]), fetch("plain"))
        rest = await asyncio.gather(
            *[self.enrich(k) for k in keys if k], return_exceptions=True
        )
        return [*first, *rest]

    async def enrich(self, key: str) -> str:
        return await fetch(key) + "!"
