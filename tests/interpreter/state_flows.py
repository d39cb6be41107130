"""Workflows whose persisted states are kept as fixtures of state format 1 (`state_v1/`): a
sleep inside a helper and a loop, a gather with a retried call and a caught failure, and a
child workflow call next to an action. `make_state_v1.py` recorded them with the format-1 code."""

from __future__ import annotations

import asyncio

from waymark import RetryPolicy, Workflow, action, workflow


@action
async def shout(text: str) -> str:
    return text.upper()


@action
async def flaky(n: int) -> int:
    return n * 10


@workflow
class NapLoop(Workflow):
    async def run(self, words: list[str]) -> list[object]:
        seen: list[str] = []
        alias = seen
        for index, word in enumerate(words):
            await self.nap(index)
            loud = await shout(word)
            alias.append(loud)
        return [seen, len(alias), list(range(2, 9, 3))]

    async def nap(self, index: int) -> None:
        await asyncio.sleep(0.5 + index)


@workflow
class Fan(Workflow):
    async def run(self, count: int) -> list[object]:
        results = await asyncio.gather(
            *[self.run_action(flaky(i), retry=RetryPolicy(attempts=3)) for i in range(count)],
            shout("x"),
            return_exceptions=True,
        )
        return [r if isinstance(r, (int, str)) else f"{r!r}" for r in results]


@workflow
class Doubler(Workflow):
    async def run(self, n: int) -> int:
        return n * 2


@workflow
class Parent(Workflow):
    async def run(self, n: int) -> list[object]:
        child = await Doubler().run(n=n)
        tail = await shout(f"got {child}")
        return [child, tail]
