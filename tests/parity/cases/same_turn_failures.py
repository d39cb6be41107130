"""Actions that end together: here each action returns or raises without suspending, so in
CPython every task awaiting one ends in the same turn of the event loop, before any done
callback runs. A TaskGroup therefore hears of every failure among them (its ExceptionGroup
holds them all, in the order the tasks were created), a gather raises the first in item order,
and `asyncio.wait(..., FIRST_EXCEPTION)` finds them all done. On the durable runtime their
results reach the instance in one step and wake their tasks in one turn, as the same."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def send(name: str) -> str:
    if name.startswith("bad"):
        raise KeyError(name)
    return name.upper()


async def through(name: str) -> str:
    """A helper between the task and its action."""
    return await send(name)


def _errors(group: BaseExceptionGroup[BaseException]) -> list[str]:
    return [repr(error) for error in group.exceptions]


@workflow
class GroupOfHelpers(Workflow):
    """Each task awaits an action and, once it succeeds, goes on to a sleep (where the group
    cancels it once a sibling's failure is heard)."""

    async def run(self, names: list[str], nested: bool) -> list[object]:
        order: list[str] = []
        try:
            async with asyncio.TaskGroup() as tg:
                for name in names:
                    tg.create_task(self.one(order, name, nested))
        except* KeyError as group:
            order.append(f"group {_errors(group)}")
        return order

    async def one(self, order: list[str], name: str, nested: bool) -> str:
        got = await through(name) if nested else await send(name)
        order.append(got)
        await asyncio.sleep(1)
        order.append(f"{got} again")
        return got


@workflow
class GroupTasksEnded(Workflow):
    """What each task of the group ended with, read once the group is left."""

    async def run(self, names: list[str]) -> list[object]:
        tasks = []
        raised: list[str] = []
        try:
            async with asyncio.TaskGroup() as tg:
                for name in names:
                    tasks.append(tg.create_task(through(name)))
        except ExceptionGroup as group:
            raised = _errors(group)
        ended: list[str] = []
        for task in tasks:
            try:
                ended.append(await task)
            except (KeyError, asyncio.CancelledError) as error:
                ended.append(repr(error))
        return [raised, ended]


@workflow
class GatherOfActions(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        try:
            return ["ok", await asyncio.gather(*(send(name) for name in names))]
        except KeyError as error:
            return ["raised", repr(error)]


@workflow
class GatherOfHelpers(Workflow):
    async def run(self, names: list[str], nested: bool) -> list[object]:
        order: list[str] = []
        try:
            got = await asyncio.gather(*(self.one(order, name, nested) for name in names))
        except KeyError as error:
            return ["raised", repr(error), order]
        return ["ok", got, order]

    async def one(self, order: list[str], name: str, nested: bool) -> str:
        got = await through(name) if nested else await send(name)
        order.append(got)
        return got


@workflow
class WaitFirstException(Workflow):
    async def run(self, names: list[str], nested: bool) -> list[object]:
        tasks = [asyncio.create_task(self.one(n, nested)) for n in names]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        ended = []
        for task in tasks:
            if task in done:
                error = task.exception()
                ended.append(repr(error) if error is not None else task.result())
        return [ended, len(pending)]

    async def one(self, name: str, nested: bool) -> str:
        return await through(name) if nested else await send(name)


@workflow
class JoinedInOrder(Workflow):
    """Started tasks joined one by one: each join gives its own task's end."""

    async def run(self, names: list[str]) -> list[object]:
        tasks = [asyncio.create_task(through(name)) for name in names]
        out: list[object] = []
        for task in tasks:
            try:
                out.append(await task)
            except KeyError as error:
                out.append(repr(error))
        return out


async def failing_after(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    raise KeyError(name)


@workflow
class GroupSleepsFailTogether(Workflow):
    """Tasks whose sleeps end together and which then raise: one turn, as for actions."""

    async def run(self, seconds: list[float]) -> list[str]:
        try:
            async with asyncio.TaskGroup() as tg:
                for i, pause in enumerate(seconds):
                    tg.create_task(failing_after(f"t{i}", pause))
        except ExceptionGroup as group:
            return _errors(group)
        return []
