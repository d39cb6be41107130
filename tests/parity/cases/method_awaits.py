"""Methods of the user's objects called with an awaited argument (`box.record(await f())`):
the receiver is held across the await, so the saved state names the object twice (its variable
and the held receiver), and a resume must give back one object under both."""

from __future__ import annotations

from dataclasses import dataclass, field

from waymark import Workflow, action, workflow


@action
async def double(x: int) -> int:
    return 2 * x


class Box:
    items: list[int] = []

    def __init__(self) -> None:
        self.items = []

    def record(self, x: int, *, times: int = 1) -> int:
        self.items.extend([x] * times)
        return len(self.items)


class Shelf:
    def __init__(self) -> None:
        self.box = Box()


@dataclass
class Tally:
    seen: list[int] = field(default_factory=list)

    def add(self, x: int) -> int:
        self.seen.append(x)
        return sum(self.seen)


@workflow
class HeldReceiver(Workflow):
    async def run(self, n: int) -> list[object]:
        first, second = Box(), Box()
        size = first.record(await double(n))
        return [size, first.items, second.items, first is not second]


@workflow
class HeldReceiverKeywords(Workflow):
    async def run(self, n: int) -> list[object]:
        box = Box()
        size = box.record(await double(n), times=await double(1))
        return [size, box.items]


@workflow
class HeldChainedReceiver(Workflow):
    async def run(self, n: int) -> list[object]:
        shelf = Shelf()
        inner = shelf.box
        shelf.box.record(await double(n))
        return [shelf.box.items, inner.items, inner is shelf.box]


@workflow
class HeldDataclassReceiver(Workflow):
    async def run(self, n: int) -> list[object]:
        tally = Tally()
        total = tally.add(await double(n))
        total = tally.add(await double(total))
        return [total, tally.seen, tally]


@workflow
class HeldReceiverInHelper(Workflow):
    async def run(self, n: int) -> list[object]:
        box = Box()
        await self.fill(box, n)
        return [box.items]

    async def fill(self, box: Box, n: int) -> None:
        box.record(await double(n))
        box.record(await double(n + 1), times=2)


@workflow
class HeldReceiverInLoop(Workflow):
    async def run(self, n: int) -> list[object]:
        boxes = [Box(), Box()]
        tally = Tally()
        for i in range(n):
            boxes[i % 2].record(await double(i))
            tally.add(await double(i))
        return [[box.items for box in boxes], tally.seen]
