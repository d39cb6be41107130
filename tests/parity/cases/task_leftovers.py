"""`run()` returns or raises while tasks it started still run: as `asyncio.run` does, each is
cancelled where it waits and its `except` and `finally` blocks run (awaiting actions too)
before the run ends; a task that never started never runs. `observed()` shows the log once
the run has ended, which the result cannot."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


def observed() -> list[str]:
    return list(LOG)


async def guarded(name: str, seconds: float) -> str:
    try:
        await asyncio.sleep(seconds)
        return await step(f"{name} done")
    except asyncio.CancelledError:
        await step(f"{name} cancelled")
        raise
    finally:
        await step(f"{name} cleanup")


@workflow
class LeftRunning(Workflow):
    async def run(self, names: list[str], fail: bool) -> str:
        tasks = [asyncio.create_task(guarded(n, 10 * (i + 1))) for i, n in enumerate(names)]
        first = await step("main")
        if fail:
            raise ValueError(f"{first} failed with {len(tasks)} running")
        return first


@workflow
class NeverStarted(Workflow):
    async def run(self, name: str) -> str:
        asyncio.ensure_future(step(f"{name} never"))  # noqa: RUF006 (never awaited, on purpose)
        asyncio.create_task(guarded(name, 0))  # noqa: RUF006
        return name


@workflow
class SomeEnded(Workflow):
    async def run(self, n: int) -> list[object]:
        quick = asyncio.create_task(guarded("quick", 0))
        slow = asyncio.create_task(guarded("slow", 60))
        await asyncio.sleep(1)
        return [quick.done(), slow.done(), n]


async def stubborn(name: str) -> str:
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        await step(f"{name} caught")
        raise KeyError(name) from None  # ends the task: asyncio.run reports it, no more
    return name


@workflow
class CleanupRaises(Workflow):
    async def run(self, name: str) -> str:
        asyncio.create_task(stubborn(name))  # noqa: RUF006 (never awaited, on purpose)
        return await step(name)
