"""Workflows that start tasks and join them later, for the tests of started tasks on
PostgreSQL. Worker processes import this module by name (`WAYMARK_USER_MODULE`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from waymark import Workflow, action, workflow


@action
async def record(path: str, name: str) -> str:
    """Appends `name` to the file at `path`: each run of the action leaves one line."""
    with Path(path).open("a") as file:
        file.write(name + "\n")
    return name.upper()


@workflow
class StartedAcrossRestart(Workflow):
    """Starts an action and a helper as tasks, waits for a signal, then joins both."""

    async def run(self, path: str) -> list[object]:
        task = asyncio.ensure_future(record(path, "started"))
        helper = asyncio.create_task(self.inner(path))
        gate = await self.wait_for_signal("go", int)
        return [await task, await helper, gate]

    async def inner(self, path: str) -> str:
        n = await self.wait_for_signal("inner", int)
        return await record(path, f"inner {n}")


@workflow
class GatherDeadlineAcrossRestart(Workflow):
    """A gather whose helper waits for a signal that never comes, under a timeout."""

    async def run(self, path: str, seconds: float) -> list[object]:
        try:
            await asyncio.wait_for(
                asyncio.gather(record(path, "gathered"), self.waiting()), timeout=seconds
            )
        except TimeoutError:
            return ["timed out", await record(path, "after")]
        return ["not timed out"]

    async def waiting(self) -> int:
        return await self.wait_for_signal("never", int)


@workflow
class CancelAcrossRestart(Workflow):
    """Cancels, after a restart, a helper task that waits for a signal; its `finally` runs."""

    async def run(self, path: str) -> list[object]:
        helper = asyncio.create_task(self.waiting(path))
        gate = await self.wait_for_signal("go", int)
        cancelled = helper.cancel()
        try:
            await helper
        except asyncio.CancelledError:
            return [cancelled, helper.cancelled(), gate, await record(path, "after")]
        return ["not cancelled"]

    async def waiting(self, path: str) -> int:
        try:
            return await self.wait_for_signal("never", int)
        finally:
            await record(path, "cleanup")


@workflow
class WaitAcrossRestart(Workflow):
    """Waits on two tasks, one of them for a signal that never comes, under a timeout."""

    async def run(self, path: str, seconds: float) -> list[object]:
        quick = asyncio.ensure_future(record(path, "quick"))
        never = asyncio.create_task(self.waiting())
        done, pending = await asyncio.wait([quick, never], timeout=seconds)
        return [quick in done, never in pending, await record(path, "after")]

    async def waiting(self) -> int:
        return await self.wait_for_signal("never", int)


@workflow
class AsCompletedDeadlineAcrossRestart(Workflow):
    """Takes a quick task's result, then its deadline passes on one that waits for a signal
    that never comes: `await fut` raises TimeoutError, and the waiting task is not cancelled."""

    async def run(self, path: str, seconds: float) -> list[object]:
        quick = asyncio.ensure_future(record(path, "quick"))
        never = asyncio.create_task(self.waiting())
        out: list[object] = []
        for fut in asyncio.as_completed([quick, never], timeout=seconds):
            try:
                out.append(await fut)
            except TimeoutError:
                out.append("timed out")
        return [*out, never.done(), await record(path, "after")]

    async def waiting(self) -> int:
        return await self.wait_for_signal("never", int)


@workflow
class AsCompletedAcrossRestart(Workflow):
    """Takes two tasks' results in the order their signals come, across a restart."""

    async def run(self, path: str) -> list[object]:
        tasks = [asyncio.create_task(self.first(path)), asyncio.create_task(self.second(path))]
        out: list[object] = []
        for fut in asyncio.as_completed(tasks):
            out.append(await fut)
        return out

    async def first(self, path: str) -> str:
        return await record(path, f"a {await self.wait_for_signal('a', int)}")

    async def second(self, path: str) -> str:
        return await record(path, f"b {await self.wait_for_signal('b', int)}")


@workflow
class EndsWhileTaskWaits(Workflow):
    """Returns while a task waits: the task is cancelled, and its `finally` waits for a signal
    sent while no runner runs, then runs an action, before the instance ends."""

    async def run(self, path: str) -> str:
        asyncio.create_task(self.waiting(path))  # noqa: RUF006 (never awaited, on purpose)
        return await record(path, "main")

    async def waiting(self, path: str) -> int:
        try:
            return await self.wait_for_signal("never", int)
        finally:
            await self.wait_for_signal("cleanup", int)
            await record(path, "cleanup")
