"""Constructs accepted beyond the documented patterns: positional `timedelta`, helper methods
inherited from a base class of the same module."""

from __future__ import annotations

from datetime import timedelta

from waymark import Workflow, action, workflow


@action
async def double(n: int) -> int:
    return n * 2


@action
async def seconds(value: float) -> float:
    return value


class Base(Workflow):
    """Not a workflow itself: shared helper methods."""

    def label(self, n: int) -> str:
        return f"n={n}"

    async def doubled(self, n: int) -> int:
        return await double(n) + self.offset()

    def offset(self) -> int:
        return 1


class Middle(Base):
    def offset(self) -> int:
        return 100


@workflow
class UsesInheritedHelpers(Middle):
    async def run(self, n: int) -> list[object]:
        return [self.label(n), await self.doubled(n), self.offset()]


@workflow
class PositionalTimedelta(Workflow):
    async def run(self, days: int) -> list[object]:
        span = timedelta(days, 30)
        longer = timedelta(0, 1, 500000, 2, 3, 4, 1)
        waited = await self.run_action(seconds(span.total_seconds()), timeout=timedelta(0, 30))
        return [span.total_seconds(), longer.total_seconds(), waited]
