"""Cancelling a task that awaits another (`await t`) cancels `t`, as CPython's `Task.cancel`
cancels the future the task waits on: the waiter then ends with `t`'s `CancelledError`."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def step(name: str) -> str:
    await asyncio.sleep(0)
    return name.upper()


async def inner() -> str:
    await asyncio.sleep(30)
    return "inner"


async def outer(t: asyncio.Task[str]) -> str:
    return await t


@workflow
class CancelOuter(Workflow):
    async def run(self) -> list[object]:
        t = asyncio.create_task(inner())
        o = asyncio.create_task(outer(t))
        await step("a")
        asked = o.cancel()
        await asyncio.sleep(0.2)
        return [asked, o.cancelled(), t.cancelled(), t.done(), await step("b")]
