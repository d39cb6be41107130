"""A constructor that keeps an argument as it was keeps the workflow's own object, as in
Python: a dataclass's list or dict field, a nested dataclass, a named tuple's list, an
exception's argument, a pydantic `Any` field and a nested model are the objects passed, so
later changes through either name show in both; pydantic's validated lists are copies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel

from waymark import Workflow, action, workflow


@dataclass
class Address:
    city: str


@dataclass
class Customer:
    name: str
    address: Address
    tags: dict[str, int] = field(default_factory=dict)


@dataclass
class Invoice:
    customer: str
    lines: list[str] = field(default_factory=list)


class Batch(NamedTuple):
    name: str
    rows: list[int]


class Meta(BaseModel):
    extra: Any
    items: list[int]


class Envelope(BaseModel):
    meta: Meta


@action
async def load_items(customer: str) -> list[list[Any]]:
    return [["tea", 2], ["cake", 1]]


@workflow
class SharedArguments(Workflow):
    async def run(self, customer: str) -> list[object]:
        items = await load_items(customer)
        lines: list[str] = []
        invoice = Invoice(customer, lines)
        address, tags = Address("Lyon"), {"a": 1}
        buyer = Customer("ann", address, tags)
        rows: list[int] = []
        batch = Batch("b1", rows)
        details = {"n": 1}
        error = ValueError(details)
        extra, numbers = {"k": 1}, [1]
        meta = Meta(extra=extra, items=numbers)
        envelope = Envelope(meta=meta)
        for name, qty in items:
            lines.append(f"{name} x{qty}")
            rows.append(qty)
        address.city = "Paris"
        tags["b"] = 2
        details["n"] = 2
        extra["k"] = 2
        numbers.append(2)
        meta.items.append(3)
        return [invoice.lines, buyer.address.city, buyer.tags, batch.rows, error.args[0],
                meta.extra, meta.items, numbers, envelope.meta.items]  # fmt: skip
