"""Ways of awaiting that real workflows use, each as CPython runs it: gathers of helper calls
from a generator with failures returned, a gather awaited in a comprehension and in an f-string,
a list of helper calls built then gathered, awaits as arguments, and which exception a gather
raises when a helper and an action both fail. The log of the calls made is compared sorted:
the calls of one gather run at once."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, log, reset
from waymark import Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def bump(n: int) -> int:
    LOG.append(f"bump({n})")
    return n + 1


@action
async def explode(n: int) -> int:
    LOG.append(f"explode({n})")
    raise ValueError(f"exploded {n}")


async def doubled(n: int) -> int:
    if n < 0:
        raise KeyError(n)
    return await bump(n) * 2


@workflow
class GatheredGenerator(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        results = await asyncio.gather(*(doubled(x) for x in xs), return_exceptions=True)
        shown = [repr(r) if isinstance(r, Exception) else r for r in results]
        return [shown, sorted(await log())]


@workflow
class GatherInExpressions(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        pairs = [await asyncio.gather(bump(x), doubled(x)) for x in xs]
        text = f"{await asyncio.gather(*[bump(x) for x in xs])}/{len(xs)}"
        largest = max(await bump(len(xs)), await doubled(len(xs)), key=lambda v: -v)
        return [pairs, text, largest, sorted(await log())]


@workflow
class BuiltHelperList(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        pending = [doubled(x) for x in xs]
        values = await asyncio.gather(*pending)
        first, (second, third) = await bump(0), await asyncio.gather(bump(1), doubled(2))
        return [values, first, second, third, sorted(await log())]


@workflow
class HelperFailsFirst(Workflow):
    async def run(self, n: int) -> list[object]:
        try:
            outcome: object = await asyncio.gather(doubled(n), explode(2), bump(n))
        except (KeyError, ValueError) as error:
            outcome = repr(error)
        return [outcome, sorted(await log())]
