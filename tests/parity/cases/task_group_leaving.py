"""`async with asyncio.TaskGroup() as tg:` blocks left other than at their end: a helper that
owns a group is cancelled (its group cancels its tasks), and `return`, `break` and `continue`
inside the block (the group's tasks end first; a task's failure replaces the way out)."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


@action
async def mark(name: str) -> int:
    CALLS[name] = CALLS.get(name, 0) + 1
    return CALLS[name]


@action
async def count(name: str) -> int:
    return CALLS.get(name, 0)


@action
async def refuse(x: int) -> str:
    raise ValueError(f"bad {x}")


@workflow
class TaskGroupOwnerCancelled(Workflow):
    """`wait_for` gives up on a gathered helper that owns a group: the helper is cancelled,
    its group cancels its task, whose action never runs."""

    async def run(self) -> list[object]:
        out: list[object] = []
        try:
            await asyncio.wait_for(asyncio.gather(self.grouped()), 0.1)
        except TimeoutError:
            out.append("timed out")
        await asyncio.sleep(1.5)
        out.append(await count("slow"))
        return out

    async def grouped(self) -> str:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(self.slow())
        return "grouped"

    async def slow(self) -> int:
        await asyncio.sleep(1)
        return await mark("slow")
