"""Durable asyncio.sleep: waits, in loops, zero, negative and NaN durations."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def stamp(label: str) -> str:
    return f"[{label}]"


@workflow
class SleepBetweenActions(Workflow):
    async def run(self, seconds: float) -> list[str]:
        first = await stamp("before")
        await asyncio.sleep(seconds)
        second = await stamp("after")
        return [first, second]


@workflow
class SleepInLoop(Workflow):
    async def run(self, rounds: int) -> list[str]:
        out = []
        for i in range(rounds):
            await asyncio.sleep(0.01 * i)
            text = await stamp(str(i))
            out.append(text)
        return out


@workflow
class LongSleep(Workflow):
    async def run(self) -> str:
        await asyncio.sleep(86400)
        return await stamp("a day later")


@workflow
class ZeroAndNegativeSleep(Workflow):
    async def run(self) -> str:
        await asyncio.sleep(0)
        await asyncio.sleep(-5)
        result = await asyncio.sleep(0.0)
        return f"{result}"


@workflow
class NanSleep(Workflow):
    """`asyncio.sleep(nan)` returns at once before Python 3.13 (its timer is never later than
    the loop's clock) and raises ValueError from 3.13; only an infinite sleep never ends."""

    async def run(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return await stamp("after")
