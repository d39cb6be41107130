"""Workflows whose run() takes annotated inputs: the input-validation tests' programs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictInt

from waymark import Workflow, workflow


class Order(BaseModel):
    order_id: str
    quantity: int


@workflow
class Count(Workflow):
    async def run(self, n: int) -> int:
        return n + 1


@workflow
class Echo(Workflow):
    """An `int` input as the body sees it: `true` stays `True`, as plain Python passes it."""

    async def run(self, n: int) -> str:
        return f"{n} {n + 1}"


@workflow
class StrictCount(Workflow):
    async def run(self, n: StrictInt) -> int:
        return n + 1


@workflow
class Positive(Workflow):
    async def run(self, n: Annotated[int, Field(gt=0)]) -> int:
        return n


@workflow
class Describe(Workflow):
    async def run(self, order: Order, due: date) -> str:
        return f"{order.order_id} x{order.quantity} by {due.isoformat()}"


@workflow
class Tally(Workflow):
    async def run(self, items: list[Any]) -> int:
        return len(items)


@workflow
class Lookup(Workflow):
    async def run(self, table: dict[str, Any]) -> int:
        return len(table)


@workflow
class Untyped(Workflow):
    async def run(self, value: Any) -> int:
        return 1
