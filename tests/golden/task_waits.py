"""`asyncio.wait` of started tasks' handles, with `return_when` and a timeout: the sets it
gives hold handles, so a loop over them reads each task's result; `asyncio.as_completed` of
them waits for the next to end at each turn, and of calls starts each as a task, its
timeout one deadline over the loop."""

import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class TaskWaits(Workflow):
    async def run(self, keys: list[str], seconds: float) -> list[str]:
        tasks = [asyncio.ensure_future(fetch(k)) for k in keys]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        out = [t.result() for t in done]
        rest, late = await asyncio.wait(pending, timeout=seconds)
        for task in late:
            task.cancel()
        for fut in asyncio.as_completed(tasks):  # in the order they end
            out.append(await fut)
        for fut in asyncio.as_completed([fetch(k) for k in keys], timeout=seconds):
            try:
                out.append(await fut)
            except TimeoutError:
                out.append("late")
        return out + [t.result() for t in rest]
