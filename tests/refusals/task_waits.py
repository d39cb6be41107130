import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class WaitsOnCalls(Workflow):
    async def run(self, keys: list[str], when: str) -> int:
        done, _ = await asyncio.wait([fetch(k) for k in keys])  # error: WM104 @38
        tasks = [asyncio.ensure_future(fetch(k)) for k in keys]
        first, _ = await asyncio.wait(tasks, return_when=when)  # error: WM104 @58
        for fut in asyncio.as_completed(fetch(k) for k in keys):  # error: WM104 @41
            await fut
        for fut in asyncio.as_completed(tasks, 1.0):  # error: WM104 @20
            await fut
        return len(done) + len(first)


@workflow
class TaskMethodsOutOfReach(Workflow):
    async def check(self, task: object) -> bool:
        return task.done()  # error: WM141 @21

    async def run(self, keys: list[str]) -> list[str]:
        tasks = [asyncio.ensure_future(fetch(k)) for k in keys]
        done, _ = await asyncio.wait(tasks)
        assert await self.check(tasks[0])
        return sorted(t.result() for t in done)  # error: WM105 @23
