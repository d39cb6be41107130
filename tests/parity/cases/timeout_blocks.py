"""`async with asyncio.timeout(seconds):` blocks: one durable timer bounds every await inside,
and on expiry the block raises `TimeoutError` (its cause the `CancelledError` of the wait it
interrupted). The timers pass during durable sleeps: actions take no time on the virtual clock.
"""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def label(x: int) -> str:
    return f"item {x}"


@workflow
class TimeoutBlockExpires(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        try:
            async with asyncio.timeout(0.2):
                await asyncio.sleep(0.02)
                out.append(await label(1))
                await asyncio.sleep(2)
                out.append("too late")
        except TimeoutError as error:
            out += ["timed out", type(error.__cause__).__name__, str(error)]
        return out


@workflow
class TimeoutBlockInTime(Workflow):
    async def run(self, limit: float | None) -> list[object]:
        out: list[object] = []
        async with asyncio.timeout(limit):
            await asyncio.sleep(0.02)
            out.append(await label(2))
        await asyncio.sleep(0.3)  # its timer, if any, passes after the block: unheeded
        out.append("after")
        return out


@workflow
class TimeoutBlockInLoop(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        for i in range(4):
            async with asyncio.timeout(0.2):
                if i == 1:
                    continue
                if i == 3:
                    break
                await asyncio.sleep(0.02)
                out.append(await label(i))
        await asyncio.sleep(0.4)  # the left blocks' timers pass here, unheeded
        out.append("after")
        return out


@workflow
class TimeoutBlockNested(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        try:
            async with asyncio.timeout(0.2):
                async with asyncio.timeout(5):
                    await asyncio.sleep(2)
        except TimeoutError:
            out.append("outer passed")
        async with asyncio.timeout(5):
            try:
                async with asyncio.timeout(0.1):
                    await asyncio.sleep(2)
            except TimeoutError:
                out.append("inner passed")
            out.append(await label(3))
        return out


@workflow
class TimeoutBlockUncaught(Workflow):
    async def run(self) -> str:
        async with asyncio.timeout(0.1):
            try:
                await asyncio.sleep(2)
            except Exception:  # the cancellation is no Exception: it goes on
                return "caught"
        return "done"


@workflow
class TimeoutBlockHelpers(Workflow):
    async def slow(self, x: int, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return await label(x)

    async def run(self) -> list[object]:
        out: list[object] = []
        try:
            async with asyncio.timeout(0.3):
                out.append(await self.slow(1, 0.02))
                out.append(await asyncio.gather(self.slow(2, 0.05), self.slow(3, 2)))
        except TimeoutError:
            out.append("gather timed out")
        return out


@workflow
class TimeoutBlockBadDelay(Workflow):
    async def run(self, limit: object) -> str:
        async with asyncio.timeout(limit):  # type: ignore[arg-type]
            await asyncio.sleep(0.01)
        return "done"
