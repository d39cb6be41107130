"""Workflows whose run() takes annotated inputs: the input-validation tests' programs."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from waymark import Workflow, workflow


class Order(BaseModel):
    order_id: str
    quantity: int


@workflow
class Count(Workflow):
    async def run(self, n: int) -> int:
        return n + 1


@workflow
class Describe(Workflow):
    async def run(self, order: Order, due: date) -> str:
        return f"{order.order_id} x{order.quantity} by {due.isoformat()}"
