import asyncio

from waymark import Workflow, action, workflow


@action
async def risky(x: int) -> int:
    return x


@workflow
class GuardedGatherWorkflow(Workflow):
    async def run(self, xs: list[int]) -> list[int]:
        results: list[int] = []
        for attempt in range(3):
            try:
                results = await asyncio.gather(*[risky(x) for x in xs])
                break
            except ValueError as error:
                results.append(len(error.args))
                continue
        return results
