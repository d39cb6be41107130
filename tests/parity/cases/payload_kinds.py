"""Classifying loosely typed webhook fields and gather results with `isinstance(x, A | B)`,
the union form Python 3.10 accepts (and linters suggest) for a tuple of classes."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Refund(BaseModel):
    amount: float


class Upstream(Exception):
    pass


@action
async def fields() -> list[Any]:
    return [3, "x", 2.5, None, [1], {"k": 1}, Refund(amount=2.0), True]


@action
async def call(kind: str) -> str:
    if kind == "timeout":
        raise TimeoutError("slow")
    if kind == "upstream":
        raise Upstream("502")
    if kind == "bug":
        raise KeyError(kind)
    return kind


@workflow
class Classify(Workflow):
    async def run(self, kinds: list[str]) -> dict[str, Any]:
        labels: list[str] = []
        for value in await fields():
            if isinstance(value, bool | None):
                labels.append("flag")
            elif isinstance(value, int | float):
                labels.append("number")
            elif isinstance(value, str | bytes | Refund):
                labels.append("text or refund")
            elif isinstance(value, list | dict):
                labels.append("container")
        results = await asyncio.gather(*[call(k) for k in kinds], return_exceptions=True)
        pairs = zip(kinds, results, strict=True)
        retry = [k for k, r in pairs if isinstance(r, TimeoutError | Upstream)]
        fatal = [type(r).__name__ for r in results if isinstance(r, Exception | None)]
        return {"labels": labels, "retry": retry, "fatal": fatal}
