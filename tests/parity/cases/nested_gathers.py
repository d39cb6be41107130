"""`asyncio.gather(asyncio.gather(a(), b()), c())`: a gather as an item of a gather. Its
results are one list in its place; its items start in CPython's order (the inner gather's
first, as CPython makes their tasks first); a failure propagates as either gather raises it."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, log, reset
from waymark import Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def item(name: str) -> str:
    LOG.append(name)
    await asyncio.sleep(0)
    if name.startswith("bad"):
        raise ValueError(f"{name} failed")
    return name.upper()


@workflow
class NestedGather(Workflow):
    async def helper(self, name: str) -> str:
        first = await item(f"{name}.1")
        return first + await item(f"{name}.2")

    async def run(self, names: list[str]) -> list[object]:
        spread = await asyncio.gather(
            item("first"),
            asyncio.gather(*[item(f"each {n}") for n in names]),
            asyncio.gather(),
            item("last"),
            asyncio.gather(item("inner")),
        )
        started = await log()
        pairs, last = await asyncio.gather(
            asyncio.gather(item(names[0]), self.helper(names[1])), item("last")
        )
        return [spread, started, pairs, last, sorted(await log())]


@workflow
class NestedFailures(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        caught = await asyncio.gather(
            asyncio.gather(*[item(n) for n in names], return_exceptions=True),
            item("plain"),
            return_exceptions=True,
        )
        shown = [[repr(r) for r in caught[0]], caught[1]]
        try:
            await asyncio.gather(item("solo"), asyncio.gather(item(names[-1]), item("other")))
        except ValueError as error:
            shown.append(str(error))
        return [shown, await log()]
