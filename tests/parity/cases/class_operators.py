"""A class's own operator and protocol methods — arithmetic (reflected too), unary operators,
ordering (`functools.total_ordering` included), `len`, truth, `in`, iteration, indexing,
`abs`/`int`/`float`/`round`/`format` — run as Python runs them, on values that came from
actions and crossed awaits; a class without one gets Python's `TypeError` with its name."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import total_ordering

from pydantic import BaseModel

from waymark import Workflow, action, workflow


@dataclass(frozen=True)
class Money:
    cents: int
    currency: str = "EUR"

    def __add__(self, other: Money) -> Money:
        return Money(self.cents + other.cents, self.currency)

    def __radd__(self, other: int) -> Money:  # `sum()` starts from 0
        return Money(self.cents + other, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.cents - other.cents, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.cents * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.cents, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.cents), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.cents < other.cents

    def __bool__(self) -> bool:
        return self.cents != 0

    def __int__(self) -> int:
        return self.cents

    def __float__(self) -> float:
        return self.cents / 100

    def __round__(self, ndigits: int | None = None) -> int:
        return round(self.cents / 100)

    def __format__(self, spec: str) -> str:
        return f"{self.cents / 100:{spec or '.2f'}} {self.currency}"


@dataclass
class Basket:
    items: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item: str) -> bool:
        return item.lower() in self.items

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self.items))

    def __getitem__(self, index: int) -> str:
        return self.items[index]


@total_ordering
@dataclass(frozen=True)
class Release:
    major: int
    minor: int

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Release) and (self.major, self.minor) == (other.major, other.minor)

    def __lt__(self, other: Release) -> bool:
        return (self.major, self.minor) < (other.major, other.minor)

    def __hash__(self) -> int:
        return hash((self.major, self.minor))


class Grid(BaseModel):
    cells: list[int]

    def __getitem__(self, index: int) -> int:
        return self.cells[index]

    def __len__(self) -> int:
        return len(self.cells)


@dataclass
class Plain:
    x: int


@action
async def price(cents: int) -> Money:
    return Money(cents)


@action
async def basket(items: list[str]) -> Basket:
    return Basket(items)


@workflow
class OwnOperators(Workflow):
    async def run(self, cents: list[int]) -> dict[str, object]:
        prices = await asyncio.gather(*[price(c) for c in cents])
        cart = await basket(["tea", "milk"])
        total = sum(prices)
        await asyncio.sleep(0)
        releases = [Release(2, 0), Release(1, 9), Release(1, 10)]
        grid = Grid(cells=[3, 1, 2])
        return {
            "total": total,
            "difference": prices[0] - prices[-1],
            "doubled": prices[0] * 2,
            "tripled": 3 * prices[0],
            "negated": -prices[0],
            "absolute": abs(prices[0] - prices[-1]),
            "cheapest": min(prices),
            "sorted": sorted(prices),
            "ordered": [prices[i] < prices[i + 1] for i in range(len(prices) - 1)],
            "truthy": [bool(p) for p in prices] + ["yes" if Money(0) else "no"],
            "numbers": [int(total), float(total), round(total)],
            "formatted": [f"{total}", f"{total:>10.1f}", format(prices[0], ".3f")],
            "cart": [len(cart), "TEA" in cart, "coffee" in cart, list(cart), cart[1], bool(cart)],
            "releases": [sorted(releases), max(releases), Release(1, 9) <= Release(1, 9),
                         Release(2, 0) > Release(1, 10), Release(1, 9) >= Release(2, 0)],
            "grid": [len(grid), grid[0], list(grid), 2 in grid, bool(Grid(cells=[]))],
        }  # fmt: skip


@workflow
class MissingOperators(Workflow):
    async def run(self, which: str) -> object:
        plain = Plain(1)
        try:
            if which == "add":
                return plain + 1
            if which == "radd":
                return 1 + plain
            if which == "neg":
                return -plain
            if which == "abs":
                return abs(plain)
            if which == "int":
                return int(plain)
            if which == "len":
                return len(plain)
            if which == "in":
                return 1 in plain
            if which == "index":
                return plain[0]
            if which == "less":
                return plain < plain
            if which == "mixed":
                return plain < Money(1)
            if which == "format":
                return f"{plain:>4}"
            if which == "money":
                return Money(1) + plain
            if which == "setitem":
                plain["x"] = 1  # type: ignore[index]
            if which == "concat":
                return "id:" + plain  # type: ignore[operator]
            if which == "repeat":
                return [1] * plain  # type: ignore[operator]
            if which == "error_add":
                return ValueError("x") + 1  # type: ignore[operator]
            if which == "error_len":
                return len(KeyError("k"))  # type: ignore[arg-type]
            if which == "error_bool":
                return bool(ValueError("x"))
            return bool(plain)
        except (TypeError, AttributeError) as error:
            return f"{type(error).__name__}: {error}"
