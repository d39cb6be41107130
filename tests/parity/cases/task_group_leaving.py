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


@workflow
class TaskGroupReturns(Workflow):
    """`return` inside the block: the group's tasks end first (a failure replaces the value),
    from inside a loop and a `try` of the body too."""

    async def run(self, fail: bool) -> list[object]:
        out: list[object] = [await self.early(fail, 0), await self.early(fail, 2)]
        try:
            out.append(await self.looped(fail))
        except ExceptionGroup as eg:
            out.append([str(eg), [repr(e) for e in eg.exceptions]])
        out.append(await count("slow"))
        return out

    async def early(self, fail: bool, n: int) -> object:
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self.slow(fail))
                for x in range(3):
                    if x == n:
                        try:
                            return f"returned {x}"
                        except KeyError:
                            pass
                return "at end"
        except ExceptionGroup as eg:
            return [str(eg), [repr(e) for e in eg.exceptions]]

    async def looped(self, fail: bool) -> str:
        while True:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(self.slow(fail))
                return "looped"

    async def slow(self, fail: bool) -> int:
        await asyncio.sleep(0.05)
        if fail:
            return int(await refuse(1))
        return await mark("slow")


@workflow
class TaskGroupLoopExits(Workflow):
    """`break` and `continue` leaving the block wait for its tasks; a group inside a group and
    a timeout inside the group pass the way out on."""

    async def run(self, fail_at: int) -> list[object]:
        out: list[object] = []
        for x in range(5):
            try:
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(self.noted(x, x == fail_at))
                    if x == 1:
                        continue
                    async with asyncio.TaskGroup() as inner:
                        inner.create_task(self.noted(x + 10, False))
                        async with asyncio.timeout(5):
                            if x == 3:
                                break
                    out.append(f"end {x}")
            except ExceptionGroup as eg:
                out.append([str(eg), [repr(e) for e in eg.exceptions]])
        out.append(await count("noted"))
        await asyncio.sleep(5.5)  # a timer left in the `break` would have passed by now
        return out

    async def noted(self, x: int, fail: bool) -> int:
        await asyncio.sleep(0.02 if fail else 0.1)  # (not in the same turn as the failure)
        if fail:
            raise ValueError(f"task {x}")
        return await mark("noted")


@workflow
class TimeoutBlockReturns(Workflow):
    """`return` inside `asyncio.timeout`: the timer no longer matters once the block is left."""

    async def run(self) -> list[object]:
        out: list[object] = [await self.bounded(True), await self.bounded(False)]
        await asyncio.sleep(0.3)
        out.append(await count("slow"))
        return out

    async def bounded(self, early: bool) -> str:
        async with asyncio.timeout(0.2):
            if early:
                return "early"
            await asyncio.sleep(1)
        return "late"


def _chain(error: BaseException) -> list[object]:
    return [repr(error.__context__), repr(error.__cause__), error.__suppress_context__]


@workflow
class TaskGroupContext(Workflow):
    """The group's `__context__` is the body's exception (its cancellation by the group too),
    hidden by `from None`; a body that ended gives none, or the one handled around the block.
    The members keep their own chains (the body's `from None` over its handled exception)."""

    async def run(self, how: str) -> list[object]:
        try:
            if how == "handled":
                try:
                    raise KeyError("outer")
                except KeyError:
                    await self.grouped("")
            await self.grouped(how)
        except ExceptionGroup as eg:
            return [str(eg), *_chain(eg), [[repr(e), *_chain(e)] for e in eg.exceptions]]
        return []

    async def grouped(self, how: str) -> None:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(self.boom())
            if how == "raises":
                try:
                    raise LookupError("inner")
                except LookupError:
                    raise KeyError("body") from None
            if how == "waits":
                await asyncio.sleep(1)

    async def boom(self) -> None:
        raise ValueError("task")
