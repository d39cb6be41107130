import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(n: int) -> int:
    return n


@workflow
class EnrichAll(Workflow):
    async def enrich(self, n: int) -> int:
        return await fetch(n) + 1

    async def run(self, a: int, b: int) -> list[int]:
        return await asyncio.gather(self.enrich(a), fetch(b))  # error: WM130 @37
