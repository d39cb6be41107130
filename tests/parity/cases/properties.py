"""Properties of models, dataclasses and enums read in a workflow: of values built in `run()`,
returned by actions and read back after awaits; a subclass overriding its base's; a property
using another; one of an imported class; a field of another class with the same name."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from pydantic import BaseModel

from tests.parity.cases.property_models import Parcel
from waymark import Workflow, action, workflow


class Tier(Enum):
    FREE = "free"
    PRO = "pro"

    @property
    def multiplier(self) -> float:
        return 1.5 if self is Tier.PRO else 1.0


@dataclass
class Stock:
    on_hand: int
    reserved: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def label(self) -> str:
        return f"{self.available} of {self.on_hand}" + (" (low)" if self.available < 3 else "")


@dataclass
class Reserved(Stock):
    @property
    def available(self) -> int:
        return 0


class Line(BaseModel):
    sku: str
    quantity: int
    price: float

    @cached_property
    def total(self) -> float:
        return round(self.quantity * self.price, 2)


class Summary(BaseModel):
    total: float  # a field of the same name as `Line.total`


@action
async def stock(on_hand: int) -> Stock:
    return Stock(on_hand, reserved=2)


@action
async def lines(count: int) -> list[Line]:
    return [Line(sku=f"s{i}", quantity=i + 1, price=2.5) for i in range(count)]


@workflow
class PropertyReads(Workflow):
    async def run(self, on_hand: int, tier: Tier) -> list[object]:
        fetched = await stock(on_hand)
        local = Stock(on_hand)
        held = Reserved(on_hand)
        bought = await lines(3)
        summary = Summary(total=sum(line.total for line in bought))
        parcel = Parcel(length=20, width=10, height=on_hand)
        await asyncio.sleep(0)
        return [
            fetched.available,
            fetched.label,
            local.label,
            held.available,
            held.label,
            [line.total for line in bought],
            summary.total,
            tier.multiplier,
            parcel.volume,
            parcel.oversize,
            parcel.model_dump(),
        ]


@dataclass
class Money:
    amount: float
    currency: str = "USD"

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


class Invoice(BaseModel):
    number: int
    due: float

    def __repr__(self) -> str:
        return f"<Invoice #{self.number}>"


class Paid(Enum):
    YES = "yes"
    NO = "no"

    def __str__(self) -> str:
        return self.value.upper()


@workflow
class OwnText(Workflow):
    """A class's own `__str__` and `__repr__`, where Python calls them: `str()`, `repr()`,
    f-string fields with and without `!s`/`!r`; values of other types format as before."""

    async def run(self, amount: float) -> list[object]:
        money = Money(amount)
        invoice = Invoice(number=7, due=amount)
        paid = Paid.YES if amount > 10 else Paid.NO
        await asyncio.sleep(0)
        return [
            f"Due: {money} on {invoice!r} ({paid})",
            str(money),
            repr(invoice),
            f"{money!s}|{paid!s}|{amount:.1f}|{amount}|{[1, 2]}",
            f"{invoice.number!r}",
            str(invoice.number),
        ]


INPUTS = {
    "PropertyReads": [{"on_hand": 4, "tier": Tier.PRO}, {"on_hand": 9, "tier": Tier.FREE}],
    "OwnText": [{"amount": 12.5}, {"amount": 3}],
}
