"""The order a gather starts its items in: CPython wraps each in a task and runs them, in
argument order, until their first suspension, so an action item starts at its position and a
helper item's first action starts at the helper's. Each action appends to a log before it
suspends once (as an action doing I/O does), so the log is the order actions start in."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, log, reset
from waymark import Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def pay(n: int) -> int:
    LOG.append(f"pay({n})")
    await asyncio.sleep(0)
    return n * 10


@action
async def review(n: int) -> int:
    LOG.append(f"review({n})")
    await asyncio.sleep(0)
    return n + 1


@action
async def refuse(n: int) -> int:
    LOG.append(f"refuse({n})")
    await asyncio.sleep(0)
    raise ValueError(f"refused {n}")


@workflow
class HelperAmongActions(Workflow):
    async def run(self) -> list[object]:
        results = await asyncio.gather(pay(2), self.enrich(1), review(0), pay(5))
        return [results, await log()]

    async def enrich(self, n: int) -> int:
        first = await review(n)
        return await pay(first)


@workflow
class SpreadOfSteps(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        results = await asyncio.gather(*[self.step(x) for x in xs])
        return [results, await log()]

    async def step(self, x: int) -> int:
        a = await pay(x)
        b = await review(a)
        return await pay(b)


@workflow
class StepsAmongActions(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        results = await asyncio.gather(
            pay(0), *[self.step(x) for x in xs], review(9), *[pay(x) for x in xs]
        )
        return [results, await log()]

    async def step(self, x: int) -> int:
        a = await self.inner(x)
        return await pay(a) + await review(a)

    async def inner(self, x: int) -> int:
        return await review(await pay(x))


@workflow
class NestedGathers(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        results = await asyncio.gather(self.fan(xs), pay(7), self.fan([x + 1 for x in xs]))
        return [results, await log()]

    async def fan(self, xs: list[int]) -> list[int]:
        firsts = await asyncio.gather(*[pay(x) for x in xs], self.one(xs[0]))
        return [*firsts, await review(len(firsts))]

    async def one(self, x: int) -> int:
        return await review(x) + await pay(x)


@workflow
class YieldingHelpers(Workflow):
    """`asyncio.sleep(0)` lets the other tasks run first, as it yields to the event loop."""

    async def run(self) -> list[object]:
        results = await asyncio.gather(self.later(1), self.now(2), pay(3), self.later(4))
        return [results, await log()]

    async def later(self, x: int) -> int:
        await asyncio.sleep(0)
        return await pay(x)

    async def now(self, x: int) -> int:
        return await review(x)


@workflow
class ReturnedExceptionsInOrder(Workflow):
    """With `return_exceptions=True`, a helper that raises after its first action has its
    exception in its place; the actions after it in the gather still start in their turn."""

    async def run(self, xs: list[int]) -> list[object]:
        results = await asyncio.gather(
            pay(1), *[self.checked(x) for x in xs], review(2), return_exceptions=True
        )
        shown = [f"error {r}" if isinstance(r, ValueError) else r for r in results]
        return [shown, await log()]

    async def checked(self, x: int) -> int:
        paid = await pay(x)
        if x % 2:
            raise ValueError(f"odd {paid}")
        return await review(paid)


@workflow
class GatherCorners(Workflow):
    """An empty spread, a single helper, and a helper that returns without awaiting."""

    async def run(self, xs: list[int]) -> list[object]:
        empty = await asyncio.gather(*[self.checked(x) for x in xs if x > 100])
        single = await asyncio.gather(self.checked(xs[0]))
        mixed = await asyncio.gather(pay(1), self.plain(2), self.checked(3), pay(4))
        return [empty, single, mixed, await log()]

    async def checked(self, x: int) -> int:
        return await review(await pay(x))

    async def plain(self, x: int) -> int:
        return x * 3


@workflow
class FirstFailureByCompletion(Workflow):
    """Two items raise: the one that fails first in completion order propagates, not the first
    by position (the helper fails only after its first action)."""

    async def run(self, x: int) -> str:
        try:
            await asyncio.gather(self.late(x), refuse(x + 1), pay(x + 2))
        except ValueError as error:
            return f"caught {error}"
        return "no failure"

    async def late(self, x: int) -> int:
        await pay(x)
        return await refuse(x)


@action
async def count(items: list[int]) -> int:
    size = len(items)  # read as it starts: a durable action is passed a copy
    await asyncio.sleep(0)
    return size


@workflow
class ChangedBeforeItsTurn(Workflow):
    """A helper item changes a list before its first await: the action items after it start
    after that, and see the change, as their coroutines read the list once their task runs."""

    async def run(self, n: int) -> list[object]:
        items = [n]
        sizes = await asyncio.gather(count(items), self.grow(items), count(items), count([n]))
        return [sizes, items]

    async def grow(self, items: list[int]) -> int:
        items.append(len(items))
        size = await count(items)
        items.append(size)
        return size


@workflow
class RaisingBeforeAwait(Workflow):
    """A helper item that raises before awaiting anything: alone with `return_exceptions=True`
    its exception is the result; without it, it propagates, and the action items after it
    have still started (their tasks were scheduled with it)."""

    async def run(self) -> list[object]:
        alone = await asyncio.gather(self.boom(1), return_exceptions=True)
        mixed = await asyncio.gather(self.boom(2), pay(3), self.late(4), return_exceptions=True)
        try:
            await asyncio.gather(pay(5), self.boom(6), refuse(7))
            raised = "none"
        except ValueError as error:
            raised = str(error)
        shown = [f"error {r}" if isinstance(r, ValueError) else r for r in [*alone, *mixed]]
        return [shown, raised, await log()]

    async def boom(self, x: int) -> int:
        raise ValueError(f"boom {x}")

    async def late(self, x: int) -> int:
        await asyncio.sleep(0)
        return await refuse(await pay(x))
