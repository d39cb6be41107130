"""A user's class with its own `__index__` (a dataclass and a pydantic model) where Python asks
for an index: subscripts, slice bounds, `range`, `hex`/`bin`/`oct`, repetition; and an enum
with a `Decimal` mixin, whose members are Decimals under operators, methods and `isinstance`,
across an action's argument and result."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel

from waymark import Workflow, action, workflow


@dataclass
class Slot:
    n: int

    def __index__(self) -> int:
        return self.n


class Page(BaseModel):
    number: int

    def __index__(self) -> int:
        return self.number - 1


@dataclass
class Plain:
    n: int


class Fee(Decimal, Enum):
    LOW = Decimal("0.10")
    HIGH = Decimal("2.50")


@action
async def letters(n: int) -> list[str]:
    return [chr(ord("a") + i) for i in range(n)]


@action
async def slot_of(n: int) -> Slot:
    return Slot(n)


@action
async def charged(fee: Fee, times: int) -> list[object]:
    return [fee * times, fee.name, isinstance(fee, Decimal)]


@action
async def dearest(fees: list[Fee]) -> Fee:
    return max(fees)


@workflow
class OwnIndex(Workflow):
    async def run(self, n: int, at: int) -> list[object]:
        items = await letters(n)
        slot = await slot_of(at)
        page = Page(number=at)
        out: list[object] = [
            items[slot],
            items[page],
            items[:slot],
            items[Slot(1) : slot],
            items[:: Slot(2)],
            list(range(slot)),
            list(range(Slot(1), n, slot)),
            hex(slot),
            bin(Slot(5)),
            oct(page),
            "ab" * slot,
            [0] * page,
            (1, 2, 3, 4)[Slot(1)],
            "word"[slot],
        ]
        try:
            out.append(items[Plain(1)])
        except TypeError as error:
            out.append(str(error))
        try:
            out.append("word"[Plain(1)])
        except TypeError as error:
            out.append(str(error))
        return out


@workflow
class DecimalEnum(Workflow):
    async def run(self, amount: str) -> list[object]:
        fee = Fee.HIGH
        total = Decimal(amount) + fee
        told = await charged(fee, 3)
        top = await dearest([Fee.LOW, Fee.HIGH])
        return [
            str(total),
            fee * 2,
            fee - Fee.LOW,
            fee.value,
            Fee(Decimal("0.10")).name,
            fee > Fee.LOW,
            repr(fee),
            str(fee),
            f"{fee}",
            fee == Decimal("2.50"),
            isinstance(fee, Decimal),
            isinstance(fee, Fee),
            round(fee, 1),
            fee.quantize(Decimal("0.1")),
            sum([Fee.LOW, Fee.HIGH]),
            sorted([Fee.HIGH, Fee.LOW]),
            {fee: "high"}[Decimal("2.5")],
            [f.name for f in Fee],
            told,
            top is Fee.HIGH,
            top,
        ]
