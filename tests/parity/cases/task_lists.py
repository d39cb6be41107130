"""Task handles as values: kept in a list or dict (`[asyncio.create_task(self.fetch(x)) for x
in xs]`, `{x: asyncio.ensure_future(step(x)) for x in xs}`, `tasks.append(...)`), passed to a
helper, awaited in a comprehension, a loop or by key, in any order. Every task starts once the
workflow next suspends, in the order made, so the log shows CPython's start order; a task's
failure is raised where it is awaited."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import failing, log, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@workflow
class ListedTasks(Workflow):
    async def fetch(self, x: int) -> str:
        first = await step(f"fetch {x}")
        if x < 0:
            raise KeyError(x)
        return first + await step(f"fetch {x} again")

    async def run(self, xs: list[int]) -> list[object]:
        tasks = [asyncio.create_task(self.fetch(x)) for x in xs]
        middle = await step("middle")
        out: list[object] = [middle, len(tasks)]
        for task in reversed(tasks):
            try:
                out.append(await task)
            except KeyError as error:
                out.append(f"key {error}")
        out.append(await log())
        return out


@workflow
class AwaitedInComprehension(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        tasks = []
        for name in names:
            tasks.append(asyncio.ensure_future(step(name)))
        tasks.append(asyncio.ensure_future(step("last", 0.05)))
        results = [await t for t in tasks]
        again = await tasks[0]
        return [results, again, await log()]


async def joined_all(tasks: list[asyncio.Task[str]]) -> list[str]:
    return [await task for task in tasks]


@workflow
class TasksByKey(Workflow):
    async def run(self, keys: list[str]) -> list[object]:
        by_key = {k: asyncio.ensure_future(step(f"key {k}")) for k in keys}
        bad = {"x": asyncio.ensure_future(failing("x"))}
        out: list[object] = [await step("between")]
        for key in sorted(by_key, reverse=True):
            out.append(await by_key[key])
        out.append(await joined_all(list(by_key.values())))
        try:
            out.append(await bad["x"])
        except ValueError as error:
            out.append(f"caught {error}")
        out.append(await log())
        return out


@workflow
class NotATask(Workflow):
    async def run(self, value: int) -> object:
        held = [value]
        try:
            return await held[0]
        except TypeError as error:
            return str(error)


@workflow
class GatheredTasks(Workflow):
    async def fetch(self, x: int) -> str:
        if x < 0:
            await step(f"slow {x}", 0.05)
            raise KeyError(x)
        return await step(f"fetch {x}", 0.01 * x)

    async def run(self, xs: list[int]) -> list[object]:
        tasks = [asyncio.create_task(self.fetch(x)) for x in xs]
        by_key = {x: asyncio.ensure_future(step(f"key {x}")) for x in xs}
        out: list[object] = [await asyncio.gather(*by_key.values())]
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        out.append([repr(o) for o in outcomes])
        try:
            out.append(await asyncio.gather(*tasks))
        except KeyError as error:
            out.append(f"key {error}")
        out.append(await asyncio.gather(*tasks[:0]))
        out.append(await log())
        return out


@workflow
class FirstFailureWins(Workflow):
    async def run(self, late: str) -> list[object]:
        slow = asyncio.ensure_future(step("slow", 0.2))
        bad = asyncio.ensure_future(failing(late))
        fine = asyncio.ensure_future(step("fine"))
        try:
            await asyncio.gather(slow, bad, fine)
        except ValueError as error:
            caught = f"caught {error}"
        return [caught, await slow, await fine, await log()]
