"""Workflows whose instances `test_instance_graph_goldens.py` draws: loops, gathers, helper
methods, sleeps, try/except and failures. Copied into each test's directory as `site_flows.py`,
run with `waymark run`, then replaced by a module that refuses to be imported before the
instance is inspected."""

import asyncio

from waymark import RetryPolicy, Workflow, action, workflow


@action
async def double(value: int) -> int:
    return value * 2


@action
async def refuse(value: int) -> int:
    raise ValueError(f"refused {value}")


@action
async def note(text: str) -> str:
    return text


@workflow
class Loops(Workflow):
    async def run(self, count: int) -> int:
        total = 0
        for value in range(count):
            total += await double(value)
        index = 0
        while index < 2:
            total += await double(index)
            index += 1
        for _skipped in []:
            await note("never")
        return total


@workflow
class Gathers(Workflow):
    async def run(self, values: list[int]) -> list[int]:
        doubled = await asyncio.gather(*[double(v) for v in values], note("all"))
        results = await asyncio.gather(refuse(1), double(5), return_exceptions=True)
        return [len(doubled), len(results)]


@workflow
class Helpers(Workflow):
    async def run(self, values: list[int]) -> int:
        first = await self.twice(values[0])
        second = await self.twice(values[1])
        if first > 100:
            await note("big")
        return first + second

    async def twice(self, value: int) -> int:
        once = await double(value)
        return await double(once)


@workflow
class Sleeps(Workflow):
    async def run(self, rounds: int, pause: float) -> str:
        for _ in range(rounds):
            await asyncio.sleep(0.01)
        await note("rested")
        await asyncio.sleep(pause)
        return await note("woke")


@workflow
class Handled(Workflow):
    async def run(self, value: int) -> str:
        try:
            await self.run_action(refuse(value), retry=RetryPolicy(attempts=2))
        except ValueError:
            return await note("handled")
        return await note("unreachable")


@workflow
class Failing(Workflow):
    async def run(self, value: int) -> int:
        first = await double(value)
        second = await refuse(first)
        return await double(second)
