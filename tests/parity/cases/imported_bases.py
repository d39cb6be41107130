"""Workflows whose base classes are in other modules of the user's code: a `run()` inherited
from the base (a template method), helpers and configuration inherited and overridden, and
`super()` reaching across modules; names in the base's methods are its module's."""

from __future__ import annotations

from tests.parity.cases import shared_bases
from tests.parity.cases.inheritance import Middle
from waymark import workflow

PREFIX = "not the base's"


@workflow
class Report(shared_bases.TemplateFlow):
    label = "report"

    def extra(self) -> str:
        return f"report extra / {super().extra()} / {self.describe()}"


@workflow
class PlainTemplate(shared_bases.TemplateFlow):
    pass


@workflow
class Deeper(Middle):
    def fmt(self, x: int) -> str:
        return "(" + super().fmt(x) + ")"

    async def run(self, x: int) -> list[object]:
        return [self.fmt(x), self.tag(), await self.load(x), PREFIX]
