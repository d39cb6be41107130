import asyncio

from waymark import Workflow, action, workflow


@action
async def pay(amount: int) -> str:
    return f"paid {amount}"


@action
async def reject(amount: int) -> str:
    return f"rejected {amount}"


@action
async def approved(amount: int) -> bool:
    return amount > 0


@workflow
class AwaitChoicesWorkflow(Workflow):
    async def run(self, amount: int, ok: bool) -> object:
        await (pay(amount) if ok else reject(amount))
        first = await (pay(amount) if amount > 10 else reject(amount) if ok else pay(0))
        second = 1 + len(await (reject(await approved(amount)) if await approved(1) else pay(2)))
        both = await (asyncio.gather(pay(1), reject(2)) if ok else asyncio.sleep(0))
        return await (pay(second) if first else reject(len(both or [])))
