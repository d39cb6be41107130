"""A started task of a helper works on the very objects it was given: what it changes in
them is seen by the workflow, and what it returns of them is them (`t.result() is batch`); so
does a gathered helper (`got[0] is tally`), with `return_exceptions` too, while the gather's
other items still run."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from waymark import Workflow, action, workflow


class Flaky(Exception):
    pass


@dataclass
class Tally:
    name: str
    seen: list[str] = field(default_factory=list)


@action
async def mark(name: str, n: int) -> str:
    if n < 0:
        raise Flaky(name)
    return f"{name}{n}"


@workflow
class TaskSharedObjects(Workflow):
    async def count(self, tally: Tally, n: int) -> Tally:
        tally.seen.append(await mark(tally.name, n))
        return tally

    async def run(self, n: int = 2) -> dict[str, object]:
        tallies = [Tally("a"), Tally("b")]
        tasks = [asyncio.create_task(self.count(t, n)) for t in tallies]
        done, _ = await asyncio.wait(tasks)
        results = [t.result() for t in tasks]
        first = await tasks[0]
        direct = await self.count(tallies[1], n + 1)
        return {
            "seen": [t.seen for t in tallies],
            "done": len(done),
            "result_is": [r is t for r, t in zip(results, tallies, strict=True)],
            "awaited_is": first is tallies[0],
            "direct_is": direct is tallies[1],
        }


@workflow
class GatheredSharedObjects(Workflow):
    async def count(self, tally: Tally, n: int) -> Tally:
        tally.seen.append(await mark(tally.name, n))
        return tally

    async def run(self, n: int = 2) -> dict[str, object]:
        tallies = [Tally("a"), Tally("b")]
        got = await asyncio.gather(*[self.count(t, n + i) for i, t in enumerate(tallies)])
        mixed = await asyncio.gather(
            self.count(tallies[0], n), mark("x", 1), self.count(tallies[1], -1),
            return_exceptions=True,
        )  # fmt: skip
        return {
            "seen": [t.seen for t in tallies],
            "is": [g is t for g, t in zip(got, tallies, strict=True)],
            "mixed": [m is tallies[0] for m in mixed],
            "failed": [type(m).__name__ for m in mixed],
        }
