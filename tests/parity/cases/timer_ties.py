"""Sleeps and timeouts that end at the same time: CPython's event loop calls the timers due at
one time in the order they were armed, and the tasks they wake run only after all of them have
fired, so a task that fails as a sibling's sleep ends does not stop the sibling before it goes
on from its sleep (its group, or its gather, hears of the failure after that)."""

from __future__ import annotations

import asyncio

from tests.parity.cases.task_timing import log, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]  # the parity harness empties the actions' log before each run


async def woken(order: list[str], name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    order.append(name)
    return name


async def failing(order: list[str], name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    order.append(name)
    raise ValueError(f"{name} failed")


async def going_on(order: list[str], name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    order.append(name)
    await step(name)
    await asyncio.sleep(5)
    order.append(f"{name} again")
    return name


@workflow
class GroupFailsAsSiblingWakes(Workflow):
    async def run(self, bad: float, good: float, bad_first: bool) -> list[object]:
        order: list[str] = []
        try:
            async with asyncio.TaskGroup() as tg:
                if bad_first:
                    tg.create_task(failing(order, "bad", bad))
                tg.create_task(going_on(order, "good", good))
                if not bad_first:
                    tg.create_task(failing(order, "bad", bad))
        except ExceptionGroup as group:
            order.append(f"group {[str(e) for e in group.exceptions]}")
        return [order, await log()]


@workflow
class GatherFailsAsSiblingWakes(Workflow):
    async def run(self, bad: float, good: float) -> list[object]:
        order: list[str] = []
        try:
            await asyncio.gather(failing(order, "bad", bad), woken(order, "good", good))
        except ValueError as error:
            order.append(f"caught {error}")
        await asyncio.sleep(1)  # the gathered sibling has ended by now, in either order
        return order


@workflow
class TaskFailsAsSiblingWakes(Workflow):
    async def run(self, bad: float, good: float) -> list[object]:
        order: list[str] = []
        first = asyncio.create_task(failing(order, "bad", bad))
        second = asyncio.create_task(woken(order, "good", good))
        try:
            await first
        except ValueError as error:
            order.append(f"caught {error}")
        order.append(await second)
        return order


@workflow
class TimeoutTiesSleep(Workflow):
    async def run(self, limit: float, sleeper: float, sleeper_first: bool) -> list[object]:
        order: list[str] = []
        if sleeper_first:
            other = asyncio.create_task(woken(order, "sleeper", sleeper))
            await asyncio.sleep(0)  # the sleeper's timer is armed before the block's
        try:
            async with asyncio.timeout(limit):
                if not sleeper_first:
                    other = asyncio.create_task(woken(order, "sleeper", sleeper))
                await asyncio.sleep(0.5)
                order.append("not reached")
        except TimeoutError:
            order.append("timed out")
        order.append(await other)
        return order


@workflow
class ChainsTie(Workflow):
    """Sleeps of different lengths that add up to one end: the timer armed first fires first.
    (Only ties CPython orders the same way every run: two sleeps each begun after a wake-up
    of their own, of different lengths, end in the order the loop happened to wake them.)"""

    async def run(self, plans: list[list[float]]) -> list[object]:
        order: list[str] = []
        tasks = [asyncio.create_task(self.chain(order, f"t{i}", p)) for i, p in enumerate(plans)]
        done = [await task for task in tasks]
        return [order, done]

    async def chain(self, order: list[str], name: str, pauses: list[float]) -> str:
        for pause in pauses:
            await asyncio.sleep(pause)
            order.append(f"{name}@{pause}")
        return name
