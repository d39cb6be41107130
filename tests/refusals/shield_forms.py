import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(n: int) -> int:
    return n


def plain(n: int) -> int:
    return n


@workflow
class ShieldFormsWorkflow(Workflow):
    async def run(self) -> list[object]:
        task = asyncio.ensure_future(fetch(1))
        kept = asyncio.shield(task)  # error: WM104 @16
        await asyncio.shield()  # error: WM104 @15
        await asyncio.shield(task, task)  # error: WM104 @15
        await asyncio.shield(5)  # error: WM104 @30
        await asyncio.shield(plain(2))  # error: WM104 @30
        return [kept, await asyncio.shield(aw=task)]  # error: WM104 @29
