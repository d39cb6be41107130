"""`for fut in asyncio.as_completed(tasks, timeout=t)`: one deadline over the whole loop,
started when the loop starts. Tasks that ended before it passed still come first, in the order
they ended; every turn after raises `TimeoutError` at `await fut`, and nothing is cancelled:
the tasks are awaited again afterwards and finish."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import failing, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


class Later(Workflow):
    """Tasks that end after a durable sleep (the deadline is one too)."""

    async def later(self, name: str, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return await step(name)


@workflow
class DeadlineCaught(Later):
    async def run(
        self, seconds: list[float], timeout: float | None, pause: float = 0.0
    ) -> list[object]:
        tasks = [asyncio.create_task(self.later(f"t{i}", s)) for i, s in enumerate(seconds)]
        out: list[object] = []
        for fut in asyncio.as_completed(tasks, timeout=timeout):
            try:
                out.append(await fut)
            except TimeoutError:
                out.append("late")
            if pause:  # the deadline may pass here, while no turn waits
                await asyncio.sleep(pause)
        out.append(await asyncio.gather(*tasks))  # not cancelled: they finish
        return out


@workflow
class DeadlineRaises(Later):
    async def run(self, seconds: list[float], timeout: float) -> list[object]:
        tasks = [asyncio.create_task(self.later(f"t{i}", s)) for i, s in enumerate(seconds)]
        out: list[object] = []
        try:
            for fut in asyncio.as_completed(tasks, timeout=timeout):
                out.append(await fut)
        except asyncio.TimeoutError as error:  # noqa: UP041 (asyncio's name, as users write it)
            out.append(f"timed out {type(error).__name__} {[t.done() for t in tasks]}")
        for task in tasks:
            out.append(await task)
        return out


@workflow
class ZeroDeadline(Later):
    async def run(self, quick: list[str], timeout: float) -> list[object]:
        done = [asyncio.ensure_future(step(name)) for name in quick]
        await asyncio.gather(*done)  # these have ended when the loop starts
        slow = asyncio.create_task(self.later("slow", 0.1))
        out: list[object] = []
        for fut in asyncio.as_completed([*done, slow], timeout=timeout):
            try:
                out.append(await fut)
            except TimeoutError:
                out.append("late")
        out.append(await slow)
        return out


@workflow
class DeadlineFailures(Workflow):
    async def pick(self, name: str, seconds: float) -> str:
        await asyncio.sleep(seconds)
        if name.startswith("bad"):
            return await failing(name)
        return await step(name)

    async def run(self, names: list[str], timeout: float) -> list[object]:
        tasks = [asyncio.create_task(self.pick(n, 0.3 * i)) for i, n in enumerate(names)]
        out: list[object] = []
        for fut in asyncio.as_completed(tasks, timeout=timeout):
            try:
                out.append(await fut)
            except ValueError as error:
                out.append(f"failed {error}")
            except TimeoutError:
                out.append("late")
        return out


@workflow
class DeadlineOfValues(Workflow):
    async def run(self, timeout: object, count: int) -> object:
        tasks = [asyncio.ensure_future(step(f"s{i}")) for i in range(count)]
        out: list[object] = []
        try:
            for fut in asyncio.as_completed(tasks, timeout=timeout):  # type: ignore[arg-type]
                out.append(await fut)
        except TypeError as error:
            out.append(f"type error: {error}")
        out.append(len(await asyncio.gather(*tasks)))
        return out


@workflow
class CallsOfActions(Workflow):
    async def run(self, seconds: list[float], bad: bool) -> list[object]:
        out: list[object] = []
        for fut in asyncio.as_completed([step(f"a{i}", s) for i, s in enumerate(seconds)]):
            out.append(await fut)
        if bad:
            for fut in asyncio.as_completed([failing("y")], timeout=5):
                try:
                    out.append(await fut)
                except ValueError as error:
                    out.append(f"failed {error}")
        return out


@workflow
class CallsOfHelpers(Later):
    async def run(self, seconds: list[float], timeout: float | None) -> list[object]:
        out: list[object] = []
        names = [f"h{i}" for i in range(len(seconds))]
        for fut in asyncio.as_completed(
            [self.later(n, s) for n, s in zip(names, seconds, strict=True)], timeout=timeout
        ):
            try:
                out.append(await fut)
            except TimeoutError:
                out.append("late")
        for fut in asyncio.as_completed([self.later("x", 0.2), self.later("y", 0.1)]):
            out.append(await fut)
        await asyncio.sleep(1.5)  # the late ones were not cancelled: they end meanwhile
        return out


@workflow
class CompletedOfValues(Workflow):
    async def run(self, timeout: float | None) -> object:
        task = asyncio.ensure_future(step("s"))
        try:
            for fut in asyncio.as_completed([task, 1], timeout=timeout):  # type: ignore[list-item]
                await fut
        except TypeError as error:
            return [f"type error: {error}", await task]
        return "completed"
