import asyncio
from decimal import Decimal, localcontext

from waymark import Workflow, action, workflow


@action
async def fetch(path: str) -> Decimal:
    return Decimal(len(path))


@workflow
class FileWorkflow(Workflow):
    async def run(self, path: str) -> Decimal:
        with open(path) as handle:  # error: WM112 @9
            pass
        async with asyncio.timeout_at(5.0):  # error: WM112 @9
            size = await fetch(path)
        async with asyncio.TaskGroup() as group, asyncio.timeout(5):  # error: WM112 @9
            size = await fetch(path)
        with localcontext() as context:  # error: WM112 @9
            context.prec = 4
        return size
