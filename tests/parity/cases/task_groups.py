"""`async with asyncio.TaskGroup() as tg:` blocks: every task the block creates ends before it
is left; the first to fail cancels the others and the block's wait, and the block raises an
`ExceptionGroup` of the failures (the body's own exception last). Sleeps order the tasks."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def label(x: int) -> str:
    return f"item {x}"


@action
async def refuse(x: int) -> str:
    raise ValueError(f"bad {x}")


def _described(group: BaseException) -> list[object]:
    inner = getattr(group, "exceptions", ())
    return [type(group).__name__, str(group), repr(group), [repr(e) for e in inner]]


@workflow
class TaskGroupResults(Workflow):
    async def run(self, n: int) -> list[object]:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(self.labelled(x)) for x in range(n)]
            first = tg.create_task(self.labelled(10))
            middle = await label(99)
            tasks.append(tg.create_task(self.labelled(20)))
        return [middle, await first, [await t for t in tasks]]

    async def labelled(self, x: int) -> str:
        await asyncio.sleep(0.01 * (x % 3))
        return await label(x)


@workflow
class TaskGroupFailure(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        try:
            async with asyncio.TaskGroup() as tg:
                slow = tg.create_task(self.slow())
                tg.create_task(self.failing(1))
                out.append(await label(1))
                await asyncio.sleep(2)
                out.append("not reached")
        except ExceptionGroup as eg:
            out += _described(eg)
        try:
            await slow
        except asyncio.CancelledError:
            out.append("slow cancelled")
        return out

    async def slow(self) -> str:
        await asyncio.sleep(3)
        return "slow done"

    async def failing(self, x: int) -> str:
        await asyncio.sleep(0.05)
        return await refuse(x)


@workflow
class TaskGroupTwoFailures(Workflow):
    """Two tasks fail in the same turn: both are in the group, in the order they failed; a
    task that turns its cancellation into an error adds it too."""

    async def run(self) -> list[object]:
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self.boom(KeyError("k")))
                tg.create_task(self.boom(ValueError("v")))
                tg.create_task(self.stubborn())
        except Exception as error:
            return _described(error)
        return []

    async def boom(self, error: Exception) -> None:
        raise error

    async def stubborn(self) -> None:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            raise RuntimeError("cleanup failed") from None


@workflow
class TaskGroupBodyRaises(Workflow):
    """The body raises: its tasks are cancelled and its exception is the group's last; a task
    that failed first cancels the body before it raises."""

    async def run(self, fail_task: bool) -> list[object]:
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self.labelled(1, fail_task))
                slow = tg.create_task(self.slow())
                await asyncio.sleep(0.1)
                raise KeyError("body")
        except ExceptionGroup as eg:
            out = _described(eg)
        try:
            return [*out, await slow]
        except asyncio.CancelledError as error:
            return [*out, repr(error)]

    async def labelled(self, x: int, fail: bool) -> str:
        if fail:
            raise ValueError("task")
        return await label(x)

    async def slow(self) -> str:
        await asyncio.sleep(3)
        return "slow"


@workflow
class TaskGroupUnderTimeout(Workflow):
    """A timeout around the group: its timer cancels the body's wait, or the wait to leave."""

    async def run(self, body_waits: bool) -> list[object]:
        try:
            async with asyncio.timeout(0.2):
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(self.slow())
                    if body_waits:
                        await asyncio.sleep(2)
        except TimeoutError as error:
            return ["timed out", type(error.__cause__).__name__]
        return ["in time"]

    async def slow(self) -> str:
        await asyncio.sleep(1)
        return "slow"


@workflow
class TaskGroupTimeoutInside(Workflow):
    """A task's own timeout fails it: the group raises its `TimeoutError`."""

    async def run(self) -> list[object]:
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self.bounded())
                done = tg.create_task(self.labelled(5))
        except BaseExceptionGroup as eg:
            return [*_described(eg), await done]
        return []

    async def bounded(self) -> str:
        async with asyncio.timeout(0.05):
            await asyncio.sleep(1)
        return "in time"

    async def labelled(self, x: int) -> str:
        return await label(x)


@workflow
class TaskGroupNested(Workflow):
    """A task of a group runs a group of its own; its failure is one group inside another,
    caught with `except Exception`."""

    async def run(self, fail: bool) -> list[object]:
        results: list[object] = []
        try:
            async with asyncio.TaskGroup() as outer:
                for x in range(2):
                    results.append(outer.create_task(self.inner(x, fail)))
        except Exception as error:
            return [*_described(error), [_described(e) for e in error.exceptions]]
        return [await t for t in results]

    async def inner(self, x: int, fail: bool) -> list[str]:
        async with asyncio.TaskGroup() as tg:
            first = tg.create_task(self.labelled(x, fail and x == 1))
            second = tg.create_task(self.labelled(x + 10, False))
        return [await first, await second]

    async def labelled(self, x: int, fail: bool) -> str:
        await asyncio.sleep(0.01 * x)
        if fail:
            return await refuse(x)
        return await label(x)


@workflow
class TaskGroupUncaught(Workflow):
    """The group's exception ends the instance; a group made without `as` holds no task."""

    async def run(self) -> str:
        async with asyncio.TaskGroup():
            await label(0)
        async with asyncio.TaskGroup() as tg:
            tg.create_task(self.failing())
        return "not reached"

    async def failing(self) -> str:
        return await refuse(7)
