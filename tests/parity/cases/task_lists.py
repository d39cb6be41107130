"""Task handles as values: kept in a list or dict (`[asyncio.create_task(self.fetch(x)) for x
in xs]`, `{x: asyncio.ensure_future(step(x)) for x in xs}`, `tasks.append(...)`), passed to a
helper, awaited in a comprehension, a loop or by key, in any order. Every task starts once the
workflow next suspends, in the order made, so the log shows CPython's start order; a task's
failure is raised where it is awaited."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow

LOG: list[str] = []


def reset() -> None:
    LOG.clear()


@action
async def step(name: str, seconds: float = 0.0) -> str:
    LOG.append(name)
    await asyncio.sleep(seconds)
    return name.upper()


@action
async def failing(name: str) -> str:
    LOG.append(f"fail {name}")
    raise ValueError(f"{name} failed")


@action
async def log() -> list[str]:
    return list(LOG)


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
