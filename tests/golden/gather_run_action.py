import asyncio

from waymark import RetryPolicy, Workflow, action, workflow


@action
async def flaky(x: int) -> int:
    return x


@workflow
class RetriedGatherWorkflow(Workflow):
    async def run(self, xs: list[int]) -> list[int]:
        return await asyncio.gather(
            self.run_action(flaky(0), retry=RetryPolicy(attempts=3)),
            *[self.run_action(flaky(x), timeout=5) for x in xs],
        )
