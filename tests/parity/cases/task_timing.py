"""Started tasks that sleep before they act: CPython wakes them in the order their sleeps end
(in the order they slept among equal ones), so their actions start in that order."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, log, reset
from waymark import Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def step(name: str) -> str:
    LOG.append(name)
    return name.upper()


@action
async def failing(name: str) -> str:
    LOG.append(name)
    raise ValueError(f"{name} failed")


async def pick(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    if name.startswith("bad"):
        return await failing(name)
    return await step(name)


@workflow
class SleepsByIndex(Workflow):
    async def run(self, names: list[str], join: int) -> list[object]:
        tasks = [asyncio.create_task(pick(n, 0.1 * i)) for i, n in enumerate(names)]
        try:
            first: object = await tasks[join]
        except ValueError as error:
            first = f"failed {error}"
        return [first, await log()]


@workflow
class EqualSleeps(Workflow):
    async def run(self, names: list[str], seconds: float) -> list[object]:
        tasks = [asyncio.ensure_future(pick(n, seconds)) for n in names]
        results = []
        for task in reversed(tasks):
            try:
                results.append(await task)
            except ValueError as error:
                results.append(f"failed {error}")
        return [results, await log()]


@workflow
class MixedSleeps(Workflow):
    async def later(self, name: str, seconds: list[float]) -> str:
        for pause in seconds:
            await asyncio.sleep(pause)
            await step(f"{name}@{pause}")
        return name

    async def run(self, plan: dict[str, list[float]]) -> list[object]:
        tasks = [asyncio.create_task(self.later(n, s)) for n, s in plan.items()]
        await asyncio.sleep(0.45)  # the sleeps end apart: none ties with another
        middle = await log()
        done = [await task for task in tasks]
        return [middle, done, await log()]
