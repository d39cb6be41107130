"""The task API and tasks started just before a raise: a task started where an exception is
raised next runs at the first suspension after it (a handler's await), and a handle's
`done()`, `result()`, `exception()`, `cancelled()` and `cancel()` read and change the task as
CPython's do (a task cancelled before it ran never runs; one suspended gets `CancelledError`
where it waits, so its handlers and `finally` blocks run)."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import failing, log, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@workflow
class StartedBeforeRaise(Workflow):
    async def enrich(self, n: int) -> str:
        return await step(f"enrich {n}")

    async def run(self, n: int) -> list[object]:
        t = asyncio.create_task(self.enrich(n))
        try:
            y = 1 // n
        except ZeroDivisionError:
            await step("handler")
            y = -1
        return [y, await t, await log()]


@workflow
class LooseBeforeRaise(Workflow):
    async def enrich(self, n: int) -> str:
        return await step(f"enrich {n}")

    async def run(self, n: int) -> list[object]:
        asyncio.create_task(self.enrich(n))  # noqa: RUF006
        try:
            y = 1 // n
        except ZeroDivisionError:
            await step("handler")
            y = -1
        await step("after")
        return [y, await log()]


@workflow
class DeferredRaise(Workflow):
    async def enrich(self, n: int) -> str:
        return await step(f"enrich {n}")

    async def run(self, n: int) -> list[object]:
        try:
            t = asyncio.create_task(self.enrich(n))
            y = 1 // n
            r = await t
        except ZeroDivisionError:
            await step("handler")
            y, r = -1, "none"
        await step("after")
        return [y, r, await log()]


@workflow
class TaskStates(Workflow):
    async def run(self) -> list[object]:
        t = asyncio.ensure_future(step("a", 0.05))
        bad = asyncio.ensure_future(failing("b"))
        out: list[object] = [t.done(), t.cancelled()]
        try:
            t.result()
        except asyncio.InvalidStateError as error:
            out.append(f"not yet: {error}")
        await step("wait", 0.2)
        out += [t.done(), t.result(), t.exception(), bad.done()]
        error = bad.exception()
        out.append(repr(error))
        try:
            out.append(bad.result())
        except ValueError as raised:
            out.append(f"raised {raised}")
        out.append(t.cancel())
        return out


@workflow
class CancelBeforeStart(Workflow):
    async def run(self, n: int) -> list[object]:
        tasks = [asyncio.ensure_future(step(f"t{i}")) for i in range(n)]
        out: list[object] = [task.cancel() for task in tasks]
        out.append([t.cancelled() for t in tasks])
        await step("main", 0.05)
        out.append([t.cancelled() for t in tasks])
        for t in tasks:
            try:
                await t
            except asyncio.CancelledError:
                out.append("cancelled")
        out.append(await log())
        return out


@workflow
class CancelSuspended(Workflow):
    async def slow(self, name: str) -> str:
        try:
            await step(f"{name} first", 0.3)
            return await step(f"{name} second")
        except asyncio.CancelledError:
            await step(f"{name} saw cancel")
            raise
        finally:
            await step(f"{name} cleanup")

    async def run(self, name: str) -> list[object]:
        task = asyncio.create_task(self.slow(name))
        await step("main", 0.1)
        out: list[object] = [task.cancel(), task.done()]
        try:
            out.append(await task)
        except asyncio.CancelledError:
            out.append("cancelled")
        out += [task.cancelled(), task.cancel()]
        await step("end", 0.3)
        out.append(await log())
        return out


@workflow
class CancelCaught(Workflow):
    async def slow(self) -> str:
        try:
            await step("slow", 0.3)
        except asyncio.CancelledError:
            return "swallowed"
        return "finished"

    async def run(self) -> list[object]:
        task = asyncio.create_task(self.slow())
        await step("main", 0.1)
        task.cancel()
        result = await task
        return [result, task.cancelled(), task.done()]


@workflow
class HandlesPassed(Workflow):
    async def collect(self, tasks: list[asyncio.Task[str]], first: asyncio.Task[str]) -> object:
        every = await asyncio.gather(*tasks, return_exceptions=True)
        try:
            strict = await asyncio.gather(first, *tasks)
        except ValueError as error:
            strict = f"raised {error}"
        return [every, strict]

    async def pick(self, name: str) -> str:
        if name.startswith("bad"):
            return await failing(name)
        return await step(name)

    async def run(self, names: list[str]) -> object:
        tasks = [asyncio.create_task(self.pick(n)) for n in names]
        return await self.collect(tasks[1:], tasks[0])


@workflow
class NotHandlesPassed(Workflow):
    async def collect(self, values: list[int]) -> object:
        try:
            return await asyncio.gather(*values)
        except TypeError as error:
            return f"type error: {error}"

    async def run(self, n: int) -> object:
        return await self.collect(list(range(n)))
