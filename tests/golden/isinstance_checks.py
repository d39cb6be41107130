import asyncio

from pydantic import BaseModel

from waymark import ActionTimeout, Workflow, action, workflow


class Receipt(BaseModel):
    total: int


@action
async def charge(x: int) -> Receipt:
    return Receipt(total=x)


@workflow
class IsinstanceWorkflow(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        results = await asyncio.gather(*[charge(x) for x in xs], return_exceptions=True)
        ok = [r for r in results if isinstance(r, Receipt)]
        failed = [r for r in results if isinstance(r, Exception)]
        timeouts = [r for r in results if isinstance(r, (ActionTimeout, TimeoutError))]
        numbers = [x for x in xs if isinstance(x, int) and not isinstance(x, bool)]
        mixed = [x for x in xs if isinstance(x, (str, list, dict, float))]
        return [ok, failed, timeouts, numbers, mixed]
