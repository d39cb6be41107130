"""asyncio's task starters under any import (`aio.create_task`, `from asyncio import
ensure_future as later`), and the user's own functions and methods that are named
`create_task` or `ensure_future`, which are plain calls (also in a generator expression)."""

from __future__ import annotations

import asyncio as aio
from asyncio import create_task as start
from asyncio import ensure_future as later

from tests.parity.cases.logged import log, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


def create_task(x: int) -> int:
    return x * 2


@workflow
class TaskSpellings(Workflow):
    def ensure_future(self, x: int) -> int:
        return x + 1

    async def enrich(self, name: str) -> str:
        return await step(f"enrich {name}")

    async def run(self, xs: list[int]) -> list[object]:
        first = aio.create_task(self.enrich("a"))
        second = start(self.enrich("b"))
        third = later(step("c"))
        own = sum(self.ensure_future(x) for x in xs) + sum(create_task(x) for x in xs)
        middle = await step("middle")
        return [own, middle, await first, await second, await third, await log()]
