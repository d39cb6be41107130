"""Tasks started now and joined later, or never: `t = asyncio.ensure_future(pay(x))` or
`asyncio.create_task(self.review(x))`, other awaits, then `await t` (in any order, twice, in a
`try`), and tasks never awaited. CPython starts a task once the workflow next suspends, so the
log compares which action starts first; a task's exception is raised where it is awaited."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, failing, log, reset, step
from waymark import Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def timed(name: str, seconds: float) -> str:
    LOG.append(f"start {name}")
    await asyncio.sleep(seconds)
    LOG.append(f"end {name}")
    return name.upper()


async def checked(name: str) -> str:
    first = await step(f"{name}.check")
    if name.startswith("bad"):
        raise KeyError(name)
    return first + "!"


@workflow
class JoinedLater(Workflow):
    async def review(self, name: str) -> str:
        first = await step(f"{name}.1")
        second = await step(f"{name}.2")
        return first + second

    async def run(self, names: list[str]) -> list[object]:
        first = asyncio.ensure_future(step(names[0]))
        second = asyncio.create_task(self.review(names[-1]))
        third = asyncio.create_task(checked(names[0]))
        middle = await step("middle")
        c = await third
        b = await second
        a = await first
        return [middle, a, b, c, await first, await log()]


@workflow
class NeverJoined(Workflow):
    async def run(self, n: int) -> list[object]:
        asyncio.ensure_future(step(f"loose {n}"))  # noqa: RUF006 (never awaited, on purpose)
        asyncio.ensure_future(failing("ignored"))  # noqa: RUF006
        kept = asyncio.ensure_future(step("kept"))
        out = [await step("main")]
        if n > 1:
            out.append(await kept)
        await asyncio.sleep(0.3)  # the tasks not awaited have run by then, in both
        out.append(sorted(await log()))
        return out


@workflow
class TaskErrors(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        bad = asyncio.ensure_future(failing(names[0]))
        helper = asyncio.create_task(checked(names[-1]))
        out: list[object] = [await step("between")]
        for _ in range(2):  # a task gives the same exception each time it is awaited
            try:
                out.append(await bad)
            except ValueError as error:
                out.append(f"caught {error}")
        try:
            out.append(await helper)
        except KeyError as error:
            out.append(f"key {error}")
        out.append(await log())
        return out


@workflow
class TaskEscapes(Workflow):
    async def run(self, name: str) -> str:
        task = asyncio.create_task(checked(name))
        await step("first")
        return await task


@workflow
class TasksInLoop(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        out: list[object] = []
        previous = None
        for x in xs:
            task = asyncio.ensure_future(step(f"item {x}"))
            if previous is not None:
                out.append(await previous)
            out.append(await step(f"after {x}"))
            previous = task
        if previous is not None:
            out.append(await previous)
        out.append(await log())
        return out


@workflow
class SlowTask(Workflow):
    async def run(self, seconds: float) -> list[object]:
        slow = asyncio.ensure_future(timed("slow", seconds))
        quick = await timed("quick", 0)
        middle = await timed("middle", 0)
        return [quick, middle, await slow, await log()]


@workflow
class LateTask(Workflow):
    async def run(self, key: str) -> object:
        task = asyncio.ensure_future(step(key))
        first = await step("other")
        last = await task
        return first, last, await log()
