"""The methods of a started task's handle: `done()`, `result()`, `exception()`, `cancelled()`
and `cancel()`, also of the target of a loop over handles; each is called into a temporary
where it is written, as an await is."""

import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class TaskMethods(Workflow):
    async def slow(self, key: str) -> str:
        try:
            return await fetch(key)
        finally:
            await fetch("cleanup")

    async def run(self, keys: list[str]) -> list[object]:
        first = asyncio.ensure_future(fetch(keys[0]))
        tasks = [asyncio.create_task(self.slow(k)) for k in keys]
        await fetch("between")
        states = [t.done() for t in tasks]
        if first.done() and first.exception() is None:
            states.append(first.result())
        for task in tasks:
            task.cancel()
        states.append(tasks[0].cancelled())
        return states
