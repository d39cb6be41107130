import asyncio

from waymark import Workflow, workflow


@workflow
class SleepWorkflow(Workflow):
    async def run(self) -> str:
        value = await asyncio.sleep(5, result="done")  # error: WM131 @23
        return value
