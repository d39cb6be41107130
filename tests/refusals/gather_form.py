import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(x: int) -> int:
    return x


@action
async def other(x: int) -> int:
    return x


@workflow
class GatherWorkflow(Workflow):
    async def run(self, xs: list[int], flag: bool) -> list[int]:
        calls = [x for x in xs]
        first = await asyncio.gather(*calls)  # error: WM130 @39
        second = await asyncio.gather(fetch(1), return_exceptions=flag)
        third = await asyncio.gather(fetch(1), asyncio.sleep(1))  # error: WM130 @48
        tasks = [fetch(x) for x in xs]  # error: WM106 @18
        fourth = await asyncio.gather(*tasks)  # error: WM130 @40
        mixed = []
        for x in xs:
            mixed.append(fetch(x))
            mixed.append(other(x))  # error: WM130 @26
        fifth = await asyncio.gather(*mixed)
        return first + second + third + fourth + tasks + fifth
