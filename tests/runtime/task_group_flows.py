"""Workflows whose `asyncio.TaskGroup` blocks outlive a runner restart (`test_task_groups`)."""

from __future__ import annotations

import asyncio

from tests.runtime.timeout_block_flows import record
from waymark import Workflow, workflow


@workflow
class TaskGroupAcrossRestart(Workflow):
    """Two tasks of a group, one waiting for a signal; with `fail`, that task fails once the
    signal comes, which cancels the other (waiting for a signal that never comes)."""

    async def run(self, path: str, fail: bool) -> list[object]:
        try:
            async with asyncio.TaskGroup() as tg:
                first = tg.create_task(self.recorded(path, "first"))
                second = tg.create_task(self.waiting(fail))
                if fail:
                    tg.create_task(self.never())
                body = await record(path, "body")
        except ExceptionGroup as eg:
            return [str(eg), [repr(e) for e in eg.exceptions], await record(path, "after")]
        return [await first, await second, body]

    async def recorded(self, path: str, line: str) -> str:
        return await record(path, line)

    async def waiting(self, fail: bool) -> int:
        value = await self.wait_for_signal("go", int)
        if fail:
            raise ValueError(f"failed with {value}")
        return value

    async def never(self) -> int:
        return await self.wait_for_signal("never", int)


@workflow
class TaskGroupOwnerAbandoned(Workflow):
    """`wait_for` gives up on a gathered helper whose group has a task still sleeping: the
    group cancels the task, so its action never runs."""

    async def run(self, path: str) -> list[object]:
        out: list[object] = []
        try:
            await asyncio.wait_for(asyncio.gather(self.grouped(path)), 0.1)
        except TimeoutError:
            out.append("timed out")
        await asyncio.sleep(1.5)  # the task's sleep would have ended by now
        return [*out, await record(path, "after")]

    async def grouped(self, path: str) -> str:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(self.slow(path))
        return "grouped"

    async def slow(self, path: str) -> str:
        await asyncio.sleep(1)
        return await record(path, "slow")
