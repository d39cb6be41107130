import asyncio
from asyncio import wait_for
from datetime import timedelta

from waymark import Workflow, action, workflow

LIMIT = 30


@action
async def fetch(key: str) -> str:
    return key


@workflow
class WaitForWorkflow(Workflow):
    async def run(self, key: str, seconds: float) -> list[str]:
        a = await asyncio.wait_for(fetch(key), timeout=5)
        b = await asyncio.wait_for(fetch(key), LIMIT)
        c = await wait_for(fetch(key), timeout=timedelta(minutes=2).total_seconds())
        d = await asyncio.wait_for(fetch(key), timeout=seconds * 2)
        e = await asyncio.wait_for(fetch(key), None)
        try:
            f = await asyncio.wait_for(fetch(key), 0.5)
        except asyncio.TimeoutError:
            f = "late"
        g, h = await asyncio.gather(
            asyncio.wait_for(fetch(key), 1), fetch(key), return_exceptions=True
        )
        more = await asyncio.gather(*[asyncio.wait_for(fetch(k), 2) for k in [a, b]])
        return [a, b, c, d, e, f, str(g), h, *more]
