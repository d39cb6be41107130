"""A workflow whose `asyncio.timeout` block outlives a runner restart (`test_timeout_blocks`)."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def record(path: str, line: str) -> str:
    with open(path, "a") as runs:
        runs.write(line + "\n")
    return line.upper()


@workflow
class TimeoutBlockAcrossRestart(Workflow):
    """A block whose helper waits for a signal that never comes, under a timeout."""

    async def run(self, path: str, seconds: float) -> list[object]:
        try:
            async with asyncio.timeout(seconds):
                await record(path, "inside")
                await self.waiting()
        except TimeoutError as error:
            return ["timed out", type(error.__cause__).__name__, await record(path, "after")]
        return ["not timed out"]

    async def waiting(self) -> int:
        return await self.wait_for_signal("never", int)
