"""`await asyncio.shield(aw)`: a cancel of the task that awaits it (a timeout block around the
await, `task.cancel()`, a task group's failure) raises there and leaves the inner task running,
to be awaited again with its result or exception kept. Sleeps order the tasks; actions take no
time on the virtual clock."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import failing, log, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]


async def slow(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return await step(name)


async def broken(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return await failing("inner")


async def waiter(t: asyncio.Task[str], out: list[object]) -> str:
    try:
        return await asyncio.shield(t)
    except asyncio.CancelledError:
        out.append("waiter cancelled")
        again = await t
        return f"caught {again}"


@workflow
class ShieldTimeoutAwaitAgain(Workflow):
    async def run(self) -> list[object]:
        t = asyncio.create_task(slow("a", 0.3))
        out: list[object] = []
        try:
            async with asyncio.timeout(0.1):
                out.append(await asyncio.shield(t))
        except TimeoutError as error:
            out += ["timed out", type(error.__cause__).__name__, t.done(), t.cancelled()]
        out.append(await t)
        out += [t.done(), t.cancelled(), await asyncio.shield(t), await log()]
        return out


@workflow
class ShieldWaiterCancelled(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        t = asyncio.create_task(slow("b", 0.3))
        plain = asyncio.create_task(self.shielded(t))
        caught = asyncio.create_task(waiter(t, out))
        await step("first")
        asked = [plain.cancel(), caught.cancel()]
        await asyncio.sleep(0.1)
        out += [asked, plain.cancelled(), t.done(), t.cancelled()]
        out += [await t, await caught, plain.cancelled(), await log()]
        return out

    async def shielded(self, t: asyncio.Task[str]) -> str:
        return await asyncio.shield(t)


@workflow
class ShieldFailingInner(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        t = asyncio.create_task(broken(0.1))
        try:
            await asyncio.shield(t)
        except ValueError as error:
            out += ["raised", repr(error)]
        try:
            async with asyncio.timeout(0.05):
                await asyncio.shield(asyncio.create_task(broken(0.2)))
        except TimeoutError:
            out.append("timed out")
        await asyncio.sleep(0.3)  # the shielded task fails on, unawaited
        out += [repr(t.exception()), t.cancelled(), await log()]
        return out


@workflow
class ShieldActionCall(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = [await asyncio.shield(step("c"))]
        out.append(await asyncio.shield(asyncio.ensure_future(step("d"))) + "!")
        out.append(await asyncio.shield(self.later("e")))
        try:
            async with asyncio.timeout(0.05):
                await asyncio.shield(slow("f", 0.2))
        except TimeoutError:
            out.append("timed out")
        await asyncio.sleep(0.3)  # the shielded helper ends on its own
        out.append(await log())
        return out

    async def later(self, name: str) -> str:
        await asyncio.sleep(0.01)
        return await step(name)


@workflow
class ShieldInTaskGroup(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        t = asyncio.create_task(slow("g", 0.3))
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self.shielded(t, out))
                tg.create_task(broken(0.1))
        except ExceptionGroup as group:
            out += ["group", [repr(e) for e in group.exceptions]]
        out += [t.done(), t.cancelled(), await t, await log()]
        return out

    async def shielded(self, t: asyncio.Task[str], out: list[object]) -> str:
        try:
            return await asyncio.shield(t)
        except asyncio.CancelledError:
            out.append("member cancelled")
            raise


@workflow
class ShieldInOrder(Workflow):
    """No timing: the waiter is cancelled while `t` waits on its first action."""

    async def run(self) -> list[object]:
        out: list[object] = []
        t = asyncio.create_task(self.pair("h"))
        caught = asyncio.create_task(waiter(t, out))
        await step("first")
        out.append(caught.cancel())
        out += [await t, await caught, caught.cancelled()]
        f = asyncio.ensure_future(failing("f"))
        try:
            await asyncio.shield(f)
        except ValueError as error:
            out += ["raised", repr(error)]
        out += [await asyncio.shield(step("c")), await asyncio.shield(self.pair("d"))]
        out += [repr(f.exception()), await log()]
        return out

    async def pair(self, name: str) -> str:
        first = await step(f"{name}1")
        return first + await step(f"{name}2")
