"""A started task of a helper works on the very objects it was given: what it changes in
them is seen by the workflow, and what it returns of them is them (`t.result() is batch`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from waymark import Workflow, action, workflow


@dataclass
class Tally:
    name: str
    seen: list[str] = field(default_factory=list)


@action
async def mark(name: str, n: int) -> str:
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
