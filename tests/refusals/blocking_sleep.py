import asyncio
import time

from waymark import Workflow, action, workflow


@action
async def ping() -> None:
    return None


@workflow
class BlockingWorkflow(Workflow):
    async def run(self) -> None:
        time.sleep(5)  # error: WM104 @9
        task = asyncio.create_task(ping())  # error: WM104 @16
        await task
