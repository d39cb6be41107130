"""The issue's poison programs, shared by the limit tests on LocalRuntime and on PostgreSQL:
each would keep a runner busy for minutes, or exhaust its memory, without the limits."""

from __future__ import annotations

from waymark import Workflow, workflow


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
