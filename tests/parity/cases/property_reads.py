"""Properties the compiler leaves out — a body that calls a method of the class or `super()`,
a subclass's override of a compiled property — are computed as Python computes them, on a
real object rebuilt from the value (never the base's compiled property for a subclass); read
by `getattr`, `attrgetter`, a class pattern; and `hasattr` sees methods and properties."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from waymark import Workflow, action, workflow


@dataclass
class Measure:
    qty: float

    @property
    def kg(self) -> float:
        return self.qty


@dataclass
class Crate(Measure):
    extra: float = 0.0

    @property
    def kg(self) -> float:
        return super().kg + self.extra


@dataclass
class Box(Measure):
    extra: float = 0.0

    @property
    def kg(self) -> float:
        return self.qty + self.extra + 1000


@dataclass
class Quote:
    net: int

    @property
    def gross(self) -> int:
        return self.net + self.tax()  # a method call: computed on a real object

    def tax(self) -> int:
        return self.net // 5


@dataclass
class Base:
    n: int

    def __str__(self) -> str:
        return f"Base#{self.n}"


@dataclass
class Child(Base):
    def __str__(self) -> str:
        return "Child(" + super().__str__() + ")"


@action
async def crate(qty: float) -> Crate:
    return Crate(qty, 10)


@workflow
class PropertyReads(Workflow):
    async def run(self, qty: float) -> list[object]:
        boxed = await crate(qty)
        stock = [Quote(30), Quote(10), Quote(20)]
        attribute = "kg"
        match Quote(10):
            case Quote(gross=gross):
                matched = gross
        return [
            boxed.kg, Crate(5, 10).kg, Box(5, 10).kg, Measure(5).kg, Quote(qty).gross,
            getattr(boxed, attribute), [q.net for q in sorted(stock, key=attrgetter("gross"))],
            max(stock, key=attrgetter("gross")).net, matched, str(Child(3)), f"{Child(4)}",
            hasattr(boxed, "kg"), hasattr(Quote(1), "tax"), hasattr(Quote(1), "missing"),
            hasattr("text", "upper"), getattr(boxed, "nothing", "default"),
        ]  # fmt: skip
