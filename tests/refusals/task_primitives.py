import asyncio

from waymark import Workflow, action, workflow


@action
async def summarize(chunk: str) -> str:
    return chunk[:10]


@workflow
class BoundedSummaries(Workflow):
    async def run(self, chunks: list[str]) -> list[str]:
        limit = asyncio.Semaphore(5)  # error: WM104 @17
        tasks = [asyncio.create_task(summarize(c)) for c in chunks]  # error: WM104 @18
        done = await asyncio.gather(*tasks)
        return [*done, str(limit)]
