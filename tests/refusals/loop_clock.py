import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(n: int) -> int:
    return n


@workflow
class LoopClockWorkflow(Workflow):
    async def run(self) -> float:
        task = asyncio.ensure_future(fetch(1))
        shielded = await asyncio.shield(task)
        loop = asyncio.get_running_loop()  # error: WM104 @16
        return loop.time() + shielded
