import asyncio

from waymark import Workflow, action, workflow


@action
async def risky(x: int) -> int:
    if x < 0:
        raise ValueError(x)
    return x


@workflow
class ToleratingWorkflow(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        settled = await asyncio.gather(*[risky(x) for x in xs], return_exceptions=True)
        strict = await asyncio.gather(risky(1), risky(2), return_exceptions=False)
        failures = [r for r in settled if isinstance(r, Exception)]
        return [settled, strict, len(failures)]
