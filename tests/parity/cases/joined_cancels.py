"""`await t` of a started task, cancelled where it waits (a timeout block around it, a task
group's failure): as CPython's, the cancel goes on to `t` itself, whose cleanup runs, and the
waiter resumes once `t` has ended. Sleeps order the tasks; actions take no time on the virtual
clock."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import failing, log, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]


async def slow(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return await step(name)


async def tidy(name: str, seconds: float, out: list[object]) -> str:
    try:
        await asyncio.sleep(seconds)
        return await step(name)
    except asyncio.CancelledError:
        out.append(f"{name} cleaned up")
        raise


async def joiner(t: asyncio.Task[str]) -> str:
    return await t


async def broken(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return await failing("member")


@workflow
class JoinUnderTimeout(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        t = asyncio.create_task(tidy("a", 0.3, out))
        try:
            async with asyncio.timeout(0.1):
                out.append(await t)
        except TimeoutError:
            out.append("timed out")
        out += [t.done(), t.cancelled(), await log()]
        return out


@workflow
class JoinInFailingGroup(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        t = asyncio.create_task(tidy("b", 0.3, out))
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(joiner(t))
                tg.create_task(broken(0.1))
        except ExceptionGroup as group:
            out.append([type(e).__name__ for e in group.exceptions])
        out += [t.done(), t.cancelled(), await log()]
        return out


@workflow
class JoinChainUnderTimeout(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        inner = asyncio.create_task(tidy("c", 0.3, out))
        outer = asyncio.create_task(joiner(inner))
        try:
            async with asyncio.timeout(0.1):
                out.append(await outer)
        except TimeoutError:
            out.append("timed out")
        out += [outer.cancelled(), inner.cancelled(), await log()]
        return out


@workflow
class JoinEndedBeforeTimeout(Workflow):
    async def run(self) -> list[object]:
        t = asyncio.create_task(slow("d", 0.1))
        async with asyncio.timeout(0.3):
            first = await t
        return [first, t.done(), t.cancelled(), await log()]
