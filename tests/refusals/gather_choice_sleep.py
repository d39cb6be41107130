import asyncio

from waymark import Workflow, action, workflow


@action
async def pay(amount: int) -> str:
    return f"paid {amount}"


@workflow
class PayOrWaitWorkflow(Workflow):
    async def run(self, amount: int) -> object:
        return await asyncio.gather(pay(amount) if amount else asyncio.sleep(1))  # error: WM130 @64
