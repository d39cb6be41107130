import asyncio

from waymark import RetryPolicy, Workflow, action, workflow


@action
async def pay(amount: int) -> str:
    return f"paid {amount}"


@action
async def reject(amount: int, note: str = "") -> str:
    return f"rejected {amount}{note}"


@workflow
class GatherChoicesWorkflow(Workflow):
    async def check(self, amount: int) -> str:
        return await pay(amount)

    async def run(self, amount: int, amounts: list[int]) -> object:
        both = await asyncio.gather(pay(amount) if amount else reject(0, note="!"), pay(1))
        each = await asyncio.gather(*[pay(a) if a > 0 else self.check(-a) for a in amounts])
        bounded = await asyncio.wait_for(pay(amount) if amount else reject(amount), 5)
        retried = await self.run_action(
            pay(1) if amount > 1 else reject(2), retry=RetryPolicy(attempts=3)
        )
        return both, each, bounded, retried
