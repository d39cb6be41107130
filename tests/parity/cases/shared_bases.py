"""Workflow base classes another module subclasses (`imported_bases`): configuration, an
`__init__`, helpers calling this module's actions and functions, and a `run()` of their own."""

from __future__ import annotations

from waymark import Workflow, action

RETRIES = 3
PREFIX = "job"


@action
async def record(name: str) -> str:
    return f"recorded {name}"


def slug(text: str) -> str:
    return text.strip().lower().replace(" ", "-")


class AuditedFlow(Workflow):
    label = PREFIX
    retries = RETRIES

    def __init__(self) -> None:
        super().__init__()
        self.limit = 2

    async def audit(self, name: str) -> str:
        return await record(f"{self.label}:{slug(name)}")

    def describe(self) -> str:
        return f"{self.label} x{self.retries} (limit {self.limit})"


class TemplateFlow(AuditedFlow):
    async def run(self, names: list[str]) -> list[object]:
        done = [await self.audit(name) for name in names[: self.limit]]
        return [self.describe(), done, self.extra()]

    def extra(self) -> str:
        return "base extra"
