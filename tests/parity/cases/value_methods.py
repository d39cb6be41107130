"""Methods of the user's own models, dataclasses and named tuples called on values: a method
that changes its object, one that calls another method of `self`, defaults and keywords, a
subclass's override, a method that raises, and a name no class of the value defines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Overdrawn(Exception):
    pass


@dataclass
class Account:
    owner: str
    balance: int = 0
    entries: list[str] = field(default_factory=list)

    def deposit(self, amount: int, *, memo: str = "deposit") -> int:
        self.balance += amount
        self.entries.append(f"+{amount} {memo}")
        return self.balance

    def withdraw(self, amount: int) -> int:
        if amount > self.balance:
            raise Overdrawn(f"{self.owner}: {amount} > {self.balance}")
        return self.deposit(-amount, memo="withdrawal")

    def summary(self, width: int = 12) -> str:
        return f"{self.owner:<{width}}{self.balance:>6}"


@dataclass
class Savings(Account):
    rate: float = 0.05

    def summary(self, width: int = 12) -> str:
        return "S " + super().summary(width).strip()

    def accrue(self) -> int:
        interest = round(self.balance * self.rate)
        return self.deposit(interest, memo="interest")

    def deposit(self, amount: int, *, memo: str = "deposit") -> int:
        if amount > 1_000:
            raise Overdrawn(f"{self.owner}: deposits over 1000 need review")
        return super().deposit(amount, memo=f"savings {memo}")


class Cart(BaseModel):
    lines: dict[str, int] = {}

    def add(self, sku: str, qty: int = 1) -> Cart:
        self.lines[sku] = self.lines.get(sku, 0) + qty
        return self

    def size(self) -> int:
        return sum(self.lines.values())


class Point(NamedTuple):
    x: int
    y: int

    def manhattan(self, other: Point | None = None) -> int:
        ox, oy = other if other is not None else (0, 0)
        return abs(self.x - ox) + abs(self.y - oy)


@dataclass
class Settings:
    path: str

    def get(self, key: str) -> str:
        with open(self.path) as handle:  # not a workflow's to run: `dict.get` stays itself
            return handle.read() + key


@dataclass
class Meter:
    RATE: ClassVar[float] = 0.5
    name: str
    readings: list[float] = field(default_factory=list)

    def record(self, value: float) -> Meter:
        self.readings.append(value * self.RATE)
        return self

    @staticmethod
    def unit(plural: bool = False) -> str:
        return "kWh" if not plural else "kWhs"

    @classmethod
    def blank(cls, name: str) -> Meter:
        return cls(name.strip().lower()).record(0)

    @classmethod
    def parse(cls, text: str) -> Meter:
        name, _, values = text.partition(":")
        meter = cls.blank(name)
        for value in values.split(","):
            meter.record(float(value))
        return meter


@dataclass
class HalfMeter(Meter):
    RATE: ClassVar[float] = 0.25


@action
async def opening_balance(owner: str) -> int:
    return len(owner) * 10


@workflow
class ValueMethods(Workflow):
    async def run(self, owner: str, spend: int) -> list[object]:
        plain = Account(owner, await opening_balance(owner))
        saver = Savings(owner.upper(), 100)
        out: list[object] = [plain.deposit(5), plain.deposit(amount=1, memo="gift")]
        try:
            out.append(plain.withdraw(spend))
        except Overdrawn as exc:
            out.append(f"refused: {exc}")
        out.append(saver.accrue())
        out.append([a.summary() for a in (plain, saver)])
        out.append(saver.summary(width=3))
        cart = Cart().add("mug").add("tee", qty=2).add("mug")
        out.append((cart.lines, cart.size()))
        out.append([Point(1, 2).manhattan(), Point(3, -4).manhattan(Point(1, 1))])
        out.append(plain.entries)
        meters = [Meter.parse(f"Main:{spend},2"), HalfMeter.parse(" Side :4"), HalfMeter.blank("x")]
        out.append(
            [
                (type(m).__name__, m.name, m.readings, Meter.unit(len(m.readings) > 1))
                for m in meters
            ]
        )
        try:
            saver.deposit(spend * 100)
        except Overdrawn as exc:
            out.append(str(exc))
        out.append(saver.entries)
        out.append({"a": 1}.get(owner[0], 0))
        try:
            out.append(owner.deposit(1))  # a str has no such method
        except AttributeError as exc:
            out.append(f"AttributeError: {exc}")
        return out


@dataclass
class Category:
    name: str
    children: list[Category] = field(default_factory=list)

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)

    def find(self, name: str) -> Category | None:
        if self.name == name:
            return self
        for child in self.children:
            if (hit := child.find(name)) is not None:
                return hit
        return None


@action
async def category_tree() -> Category:
    leaf = Category("deep")
    return Category(
        "root", [Category("a", [Category("a1"), Category("a2", [leaf])]), Category("b")]
    )


@workflow
class TreeMethods(Workflow):
    """Methods that call themselves on the children of their object (a recursive search)."""

    async def run(self, name: str) -> list[object]:
        root = await category_tree()
        hit = root.find(name)
        return [root.depth(), hit.name if hit else None, hit.depth() if hit else 0]
