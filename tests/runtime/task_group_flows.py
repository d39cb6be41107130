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
