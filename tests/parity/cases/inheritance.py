"""A workflow class with bases in its module: helpers inherited and overridden, and
`super().name(...)` calling the overridden definition, synchronous and async, through a chain
of three classes."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def fetch(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * 10


class BaseFlow(Workflow):
    def fmt(self, x: int) -> str:
        return f"[{x}]"

    def tag(self) -> str:
        return "base"

    async def load(self, x: int) -> int:
        return await fetch(x)


class Middle(BaseFlow):
    def fmt(self, x: int) -> str:
        return "<" + super().fmt(x) + ">"


@workflow
class Leaf(Middle):
    def fmt(self, x: int) -> str:
        return "{" + super().fmt(x) + "}"

    def tag(self) -> str:
        return super().tag() + "+leaf"

    async def load(self, x: int) -> int:
        try:
            return 1 + await super().load(x)
        except ValueError as error:
            return len(str(error))

    async def run(self, x: int) -> list[object]:
        return [self.fmt(x), self.tag(), await self.load(x), super().fmt(x), self.fmt(-x)]
