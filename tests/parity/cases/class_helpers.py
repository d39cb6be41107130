"""`@classmethod` and `@staticmethod` helpers reading class constants, called as `self.x()`,
`type(self).x()`, `cls.x()` and `Flow.x()`; a subclass's constant overrides its base's."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def attempts_made(n: int) -> int:
    return n


class Limits(Workflow):
    RETRIES = 3
    PREFIX = "job"

    def __init__(self) -> None:
        self.PREFIX = "instance"  # `self.PREFIX` reads this; `cls.PREFIX` the class's

    @classmethod
    def limit(cls) -> int:
        return cls.RETRIES

    @staticmethod
    def twice(n: int) -> int:
        return n * 2

    @classmethod
    def label(cls, n: int, *, sep: str = "-") -> str:
        return sep.join([cls.PREFIX, str(cls.twice(n)), str(cls.limit())])

    @classmethod
    async def checked(cls, n: int) -> bool:
        return await attempts_made(n) < cls.limit()


@workflow
class ClassHelpers(Limits):
    RETRIES = 5

    async def run(self, n: int) -> list:
        made = await attempts_made(n)
        return [
            self.limit(),
            type(self).limit(),
            self.__class__.RETRIES,
            type(self).PREFIX,
            self.PREFIX,
            self.label(made),
            type(self).label(made + 1, sep="/"),
            ClassHelpers.label(0),
            type(self).twice(made),
            await self.checked(made),
            await type(self).checked(made + 4),
            await ClassHelpers.checked(0),
            await asyncio.gather(self.checked(1), *[type(self).checked(i) for i in range(6, 8)]),
        ]
