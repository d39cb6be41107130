"""`async with asyncio.timeout(seconds) as cm:` and `cm.expired()`: False inside the block
until its timer passes, and after it whether the timer passed inside it, as CPython's
`Timeout.expired()` answers; nested blocks, a loop, a block left early."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def tick(n: int) -> int:
    return n


@workflow
class TimeoutExpired(Workflow):
    """A block that times out, or ends first; `expired()` read inside and after."""

    async def run(self, wait: float) -> list[object]:
        seen: list[object] = []
        try:
            async with asyncio.timeout(0.2) as cm:
                seen.append(cm.expired())
                seen.append(await tick(1))
                await asyncio.sleep(wait)
                seen.append(cm.expired())
        except TimeoutError as error:
            seen.append(["timed out", repr(error.__cause__), cm.expired()])
        seen.append(cm.expired())
        return seen


@workflow
class TimeoutExpiredCaught(Workflow):
    """The cancellation caught inside the block: `expired()` is True there already, and the
    block then ends as it goes on (no `TimeoutError`)."""

    async def run(self) -> list[object]:
        seen: list[object] = []
        async with asyncio.timeout(0.05) as cm:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                seen.append(["cancelled", cm.expired()])
        seen.append(cm.expired())
        return seen


@workflow
class TimeoutExpiredNested(Workflow):
    """Nested blocks with their own `Timeout`s in a loop: only the block whose timer passed
    has expired; a block left by `break`, or with `timeout(None)`, has not."""

    async def run(self, inner_first: bool) -> list[object]:
        seen: list[object] = []
        for n in range(2):
            try:
                async with asyncio.timeout(10 if inner_first else 0.05) as outer:
                    async with asyncio.timeout(0.05 if inner_first else None) as inner:
                        if n == 1:
                            break
                        await asyncio.sleep(1)
            except TimeoutError:
                seen.append("timed out")
            seen.append([n, outer.expired(), inner.expired()])
        seen.append([outer.expired(), inner.expired()])
        return seen
