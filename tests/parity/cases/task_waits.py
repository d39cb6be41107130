"""`asyncio.wait` of started tasks: the (done, pending) sets once the first has ended, one has
raised, all have ended, or the timeout has passed (compared sorted by result, as CPython's sets
have no order); the pending tasks run on."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import failing, log, reset, step
from tests.parity.cases.started_tasks import timed
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@workflow
class FirstCompleted(Workflow):
    async def run(self, seconds: list[float]) -> list[object]:
        tasks = [asyncio.ensure_future(timed(f"t{i}", s)) for i, s in enumerate(seconds)]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        out: list[object] = [sorted([t.result() for t in done]), len(pending)]
        rest, none = await asyncio.wait(pending)
        out += [sorted([t.result() for t in rest]), len(none)]
        return out


@workflow
class FirstException(Workflow):
    async def run(self, bad: bool) -> list[object]:
        slow = asyncio.ensure_future(timed("slow", 0.4))
        quick = asyncio.ensure_future(failing("quick"))
        if not bad:
            quick = asyncio.ensure_future(step("quick"))
        done, pending = await asyncio.wait([slow, quick], return_when="FIRST_EXCEPTION")
        out: list[object] = [len(done), len(pending), quick in done, slow in pending]
        ended = []
        for task in done:
            error = task.exception()
            ended.append(repr(error) if error is not None else task.result())
        out.append(sorted(ended))
        if pending:
            await asyncio.wait(pending)
        return out


@workflow
class AllCompleted(Workflow):
    async def pick(self, name: str) -> str:
        if name.startswith("bad"):
            return await failing(name)
        return await step(name)

    async def run(self, names: list[str]) -> list[object]:
        tasks = {asyncio.create_task(self.pick(n)) for n in names}
        try:
            done, pending = await asyncio.wait(tasks)
        except ValueError as error:
            return [f"value error: {error}"]
        ended = sorted([repr(t.exception()) if t.exception() else t.result() for t in done])
        return [ended, len(pending), sorted(await log())]


@workflow
class WaitTimeout(Workflow):
    async def slowly(self) -> str:
        await asyncio.sleep(0.5)
        return await step("slow")

    async def run(self, timeout: float) -> list[object]:
        slow = asyncio.create_task(self.slowly())
        quick = asyncio.ensure_future(step("quick"))
        done, pending = await asyncio.wait([slow, quick], timeout=timeout)
        out: list[object] = [sorted([t.result() for t in done]), len(pending), slow.done()]
        await asyncio.sleep(1.0)  # the timeout is durable: this sleep outlasts the action
        out.append(slow.done())
        return out


@workflow
class WaitOfValues(Workflow):
    async def run(self, n: int) -> object:
        try:
            await asyncio.wait([n])
        except AttributeError as error:
            return f"attribute error: {error}"
        return "waited"


@workflow
class AsCompleted(Workflow):
    async def run(self, seconds: list[float]) -> list[object]:
        tasks = [asyncio.ensure_future(timed(f"t{i}", s)) for i, s in enumerate(seconds)]
        out: list[object] = []
        for fut in asyncio.as_completed(tasks):
            out.append(await fut)
        return out


@workflow
class AsCompletedFailures(Workflow):
    async def pick(self, name: str, seconds: float) -> str:
        await asyncio.sleep(seconds)
        if name.startswith("bad"):
            return await failing(name)
        return await step(name)

    async def run(self, names: list[str]) -> list[object]:
        tasks = [asyncio.create_task(self.pick(n, 0.1 * i)) for i, n in enumerate(names)]
        out: list[object] = []
        for fut in asyncio.as_completed(tasks):
            try:
                out.append(await fut)
            except ValueError as error:
                out.append(f"failed {error}")
                break
        else:
            out.append("all")
        return out
