"""A class's own `__getitem__` given a slice (`page[1:]`)."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import Workflow, action, workflow


@dataclass
class Page:
    rows: list

    def __getitem__(self, i):
        return self.rows[i]


@action
async def fetch(n: int) -> list[str]:
    return ["a", "b", "c"][:n]


@workflow
class Paging(Workflow):
    async def run(self, n: int) -> object:
        page = Page(await fetch(n))
        try:
            return page[1:]
        except Exception as e:
            return ("caught", type(e).__name__)
