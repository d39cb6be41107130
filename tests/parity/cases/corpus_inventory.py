"""Warehouse allocation: stock lots ordered by expiry (total_ordering), allocation strategies
chosen from a registry of classes, shortfalls backordered, a cached distance helper, and
pick lists rendered per warehouse."""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import ClassVar

from waymark import Workflow, action, workflow


@functools.total_ordering
@dataclass(frozen=True)
class Lot:
    sku: str
    warehouse: str
    quantity: int
    expires: date

    def __lt__(self, other: Lot) -> bool:
        return (self.expires, self.warehouse) < (other.expires, other.warehouse)

    def __str__(self) -> str:
        return f"{self.sku}@{self.warehouse}x{self.quantity} (exp {self.expires:%Y-%m-%d})"

    @classmethod
    def from_row(cls, row: str) -> Lot:
        sku, warehouse, quantity, expires = row.split("|")
        return cls(sku, warehouse, int(quantity), date.fromisoformat(expires))


@dataclass
class Pick:
    lot: Lot
    take: int


@dataclass
class Allocation:
    picks: list[Pick] = field(default_factory=list)
    backorder: dict[str, int] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return sum(p.take for p in self.picks)


class OutOfStock(Exception):
    def __init__(self, sku: str, missing: int) -> None:
        self.sku, self.missing = sku, missing
        super().__init__(sku, missing)

    def __str__(self) -> str:
        return f"{self.missing} x {self.sku} short"


COORDS = {"north": (0, 10), "south": (0, -8), "east": (12, 1), "west": (-9, 0)}


@functools.lru_cache(maxsize=64)
def distance(a: str, b: str) -> float:
    (x1, y1), (x2, y2) = COORDS[a], COORDS[b]
    return round(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5, 2)


@dataclass
class Allocator(ABC):
    destination: str
    name: ClassVar[str] = "base"

    @abstractmethod
    def order(self, lots: list[Lot]) -> list[Lot]: ...

    def allocate(self, sku: str, wanted: int, lots: list[Lot]) -> list[Pick]:
        picks = []
        for lot in self.order([lot for lot in lots if lot.sku == sku]):
            if wanted <= 0:
                break
            take = min(wanted, lot.quantity)
            picks.append(Pick(lot, take))
            wanted -= take
        if wanted > 0:
            raise OutOfStock(sku, wanted)
        return picks


@dataclass
class ExpiryFirst(Allocator):
    name = "fefo"

    def order(self, lots: list[Lot]) -> list[Lot]:
        return sorted(lots)


@dataclass
class Nearest(Allocator):
    name = "nearest"

    def order(self, lots: list[Lot]) -> list[Lot]:
        return heapq.nsmallest(
            len(lots), lots, key=lambda lot: (distance(lot.warehouse, self.destination), lot)
        )


@action
async def load_stock() -> list[str]:
    return [
        "apple|north|30|2024-06-01",
        "apple|south|50|2024-05-20",
        "apple|east|10|2024-05-01",
        "pear|west|5|2024-07-01",
        "pear|north|8|2024-06-15",
        "plum|south|0|2024-05-05",
    ]


@action
async def reserve(warehouse: str, lines: list[str]) -> str:
    return f"{warehouse}:{len(lines)}"


@workflow
class AllocateOrder(Workflow):
    async def run(
        self, lines: dict[str, int], destination: str, strategy: str = "fefo"
    ) -> dict[str, object]:
        lots = [Lot.from_row(row) for row in await load_stock()]
        match strategy:
            case "fefo":
                allocator: Allocator = ExpiryFirst(destination)
            case "nearest":
                allocator = Nearest(destination)
            case _:
                raise ValueError(f"unknown strategy {strategy!r}")
        allocation = Allocation()
        for sku, wanted in sorted(lines.items()):
            try:
                allocation.picks += allocator.allocate(sku, wanted, lots)
            except OutOfStock as short:
                allocation.backorder[short.sku] = short.missing
                available = sum(lot.quantity for lot in lots if lot.sku == sku)
                if available:
                    allocation.picks += allocator.allocate(sku, available, lots)
            taken: Counter[Lot] = Counter()
            for pick in allocation.picks:
                taken[pick.lot] += pick.take
            lots = [replace(lot, quantity=lot.quantity - taken[lot]) for lot in lots]
        by_house = itertools.groupby(
            sorted(allocation.picks, key=lambda p: p.lot.warehouse), key=lambda p: p.lot.warehouse
        )
        receipts = []
        for house, picks in by_house:
            receipts.append(await reserve(house, [f"{p.take} x {p.lot}" for p in picks]))
        expiries: list[date] = []
        for pick in allocation.picks:
            bisect.insort(expiries, pick.lot.expires)
        return {
            "strategy": allocator.name,
            "units": allocation.units,
            "picks": [str(p.lot) + f" -> {p.take}" for p in allocation.picks],
            "backorder": allocation.backorder,
            "receipts": receipts,
            "soonest": expiries[0].isoformat() if expiries else None,
            "far": max(
                (distance(p.lot.warehouse, destination) for p in allocation.picks), default=0.0
            ),
        }
