import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(n: int) -> int:
    return n


@workflow
class EnrichAll(Workflow):
    def double(self, n: int) -> int:
        return n * 2

    async def run(self, a: int, b: int) -> list[int]:
        return await asyncio.gather(self.double(a), fetch(b))  # error: WM130 @37
