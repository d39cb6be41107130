"""`asyncio.wait_for(asyncio.gather(...), seconds)`: one timeout over the whole gather. When it
passes first, the gather is cancelled and a plain `TimeoutError` is raised at the await; when
the gather ends first (with its results, or its first failure), the timeout does nothing. The
log records which actions started (an action already started is not taken back)."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, reset
from waymark import Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def slow(name: str, seconds: float) -> str:
    LOG.append(name)
    await asyncio.sleep(seconds)
    return name.upper()


@action
async def broken(name: str) -> str:
    LOG.append(name)
    await asyncio.sleep(0)
    raise ValueError(f"{name} broke")


@action
async def log() -> list[str]:
    return sorted(LOG)


@workflow
class GatherTimeout(Workflow):
    async def pair(self, name: str, seconds: float) -> str:
        first = await slow(f"{name}.1", 0)
        await asyncio.sleep(seconds)  # (a durable wait: `LocalRuntime`'s clock jumps over it)
        return first + await slow(f"{name}.2", 0)

    async def run(self, seconds: float, limit: float | None) -> list[object]:
        out: list[object] = []
        try:
            out.append(
                await asyncio.wait_for(
                    asyncio.gather(slow("a", 0), self.pair("b", seconds)), timeout=limit
                )
            )
        except TimeoutError as error:
            out.append(f"timed out {type(error).__name__} {error}")
        out.append(await slow("after", 0))
        out.append(await log())
        return out


@workflow
class GatherFailsFirst(Workflow):
    async def run(self, limit: float) -> list[object]:
        try:
            await asyncio.wait_for(asyncio.gather(broken("x"), slow("y", 0.05)), limit)
        except ValueError as error:
            return [str(error), await log()]
        return ["no error"]


@workflow
class GatherTimeoutEdges(Workflow):
    async def run(self, limit: object) -> list[object]:
        out: list[object] = [await asyncio.wait_for(asyncio.gather(), limit)]  # type: ignore[arg-type]
        try:
            out.append(await asyncio.wait_for(asyncio.gather(slow("z", 0)), limit))  # type: ignore[arg-type]
        except (TimeoutError, TypeError) as error:
            out.append(type(error).__name__)
        out.append(await log())
        return out
