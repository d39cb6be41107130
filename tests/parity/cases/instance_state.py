"""State a run keeps on `self`: attributes `run()` sets and its helper methods change across
awaits, read back as CPython reads them (an attribute read before it is set raises
`AttributeError`), next to class constants read through `self`."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def double(x: int) -> int:
    return x * 2


@workflow
class Tally(Workflow):
    LIMIT = 3

    async def run(self, xs: list[int]) -> dict[str, object]:
        self.total = 0
        self.seen: list[int] = []
        seen = self.seen  # one list: what a helper appends is seen through this name too
        for x in xs[: self.LIMIT]:
            await self.add(x)
            await asyncio.sleep(0)
        return {"total": self.total, "seen": seen, "count": self.count, "last": self.last}

    async def add(self, x: int) -> None:
        self.last = await double(x)
        self.total += self.last
        self.seen.append(self.last)
        self.bump()

    def bump(self) -> None:
        if not self.seen[:-1]:
            self.count = 0
        self.count += 1


@workflow
class ReadBeforeSet(Workflow):
    async def run(self, early: bool) -> str:
        if not early:
            self.ready = await double(2)
        try:
            return f"ready {self.ready}"
        except AttributeError as error:
            return f"{type(error).__name__}: {error}"


@workflow
class UnsetRaises(Workflow):
    async def run(self) -> int:
        await double(1)
        return self.never


class Shadowed:
    """A mutable class attribute the instance shadows in `__init__`: each instance's own."""

    items: list[int] = []
    KIND = "shadowed"

    def __init__(self) -> None:
        self.items = []

    def record(self, x: int) -> str:
        self.items.append(x)
        return f"{self.KIND} {len(self.items)}"


@workflow
class ShadowedClassList(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        first, second = Shadowed(), Shadowed()
        doubled = [await double(x) for x in xs]
        out: list[object] = [first.record(x) for x in doubled]
        out.append(second.record(1))
        return [out, first.items, second.items]
