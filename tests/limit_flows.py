"""The issue's poison programs, shared by the limit tests on LocalRuntime and on PostgreSQL:
each would keep a runner busy for minutes, or exhaust its memory, without the limits."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.limit_helpers import spin
from waymark import Workflow, action, workflow


@action
async def tick(value: int) -> int:
    return value


@action
async def keep(value: Any) -> int:
    return 0


@action
async def text_of(size: int) -> str:
    return "x" * size


@workflow
class AnyOfGenerator(Workflow):
    async def run(self, n: int) -> bool:
        return any(i < 0 for i in range(n))


@workflow
class ListComprehension(Workflow):
    async def run(self, n: int) -> int:
        return len([i for i in range(n)])


@workflow
class Repeat(Workflow):
    async def run(self, n: int) -> int:
        return len("a" * n)


@workflow
class Power(Workflow):
    async def run(self, n: int) -> int:
        return 10**10**n % 7


@workflow
class Gathers(Workflow):
    async def run(self, n: int) -> int:
        return len(await asyncio.gather(*[tick(i) for i in range(n)]))


@workflow
class Repeated(Workflow):
    """One long string reached thousands of times: weighing it must not read every copy."""

    async def run(self, case: str) -> Any:
        long = "x" * 9_000_000
        many = [long] * 2_000
        if case == "compare":
            return many == list(many)
        if case == "action":
            return await keep(many)
        return many


@workflow
class Amplified(Workflow):
    """A string an action returned (no larger than a result may be), `n` times in a value that
    leaves the workflow: little work to build, as much JSON to send and store as `n` results."""

    async def run(self, n: int, case: str = "action") -> Any:
        text = await text_of(1_000_000)
        if case == "action":
            return await keep([text] * n)
        return [text] * n


@workflow
class SpinElsewhere(Workflow):
    """Passes the step budget in a function of another module (`limit_helpers.spin`)."""

    async def run(self, n: int) -> int:
        await tick(0)
        return spin(n)


@workflow
class SharedRows(Workflow):
    """One row held `n` times: written out, it is `n` rows of `n` zeros."""

    async def run(self, n: int) -> int:
        rows = [[0] * n] * n
        return await keep(rows)
