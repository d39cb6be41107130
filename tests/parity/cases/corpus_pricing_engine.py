"""Quote pricing engine: a quote's lines are priced by rule classes (a base class with
subclasses overriding a hook, class methods building rules from config rows, static helpers,
properties, `__post_init__` validation), discounts stack in priority order, and a quote that
breaks a rule is rejected with the rule's own error."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from waymark import Workflow, action, workflow

CENT = Decimal("0.01")


class PricingError(Exception):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(f"[{rule}] {reason}")
        self.rule = rule


@dataclass
class Line:
    sku: str
    qty: int
    unit: Decimal
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.qty <= 0:
            raise ValueError(f"{self.sku}: quantity must be positive, got {self.qty}")
        self.unit = Decimal(self.unit).quantize(CENT)

    @property
    def gross(self) -> Decimal:
        return self.unit * self.qty


class Rule:
    priority = 50
    name = "rule"

    def __init__(self, amount: Decimal) -> None:
        self.amount = amount

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Rule:
        kind = row["kind"]
        amount = Decimal(row["amount"])
        if kind == "percent":
            return Percent(amount)
        if kind == "bulk":
            return Bulk(amount, int(row.get("min_qty", "10")))
        if kind == "cap":
            return Cap(amount)
        raise PricingError(kind, "unknown rule kind")

    @staticmethod
    def money(value: Decimal) -> Decimal:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)

    def applies(self, line: Line) -> bool:
        return True

    def discount(self, line: Line, running: Decimal) -> Decimal:
        return Decimal(0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.amount})"


class Percent(Rule):
    priority = 20
    name = "percent"

    def discount(self, line: Line, running: Decimal) -> Decimal:
        if not 0 < self.amount < 100:
            raise PricingError(self.name, f"{self.amount}% is out of range")
        return self.money(running * self.amount / 100)


class Bulk(Rule):
    priority = 10
    name = "bulk"

    def __init__(self, amount: Decimal, min_qty: int) -> None:
        super().__init__(amount)
        self.min_qty = min_qty

    def applies(self, line: Line) -> bool:
        return line.qty >= self.min_qty and "no-bulk" not in line.tags

    def discount(self, line: Line, running: Decimal) -> Decimal:
        return self.money(self.amount * line.qty)


class Cap(Rule):
    priority = 90
    name = "cap"

    def discount(self, line: Line, running: Decimal) -> Decimal:
        return max(Decimal(0), running - self.amount)


@dataclass
class Priced:
    sku: str
    gross: Decimal
    steps: list[str] = field(default_factory=list)
    net: Decimal = Decimal(0)

    @property
    def saved(self) -> Decimal:
        return self.gross - self.net


@action
async def load_rules(plan: str) -> list[dict[str, str]]:
    plans = {
        "standard": [{"kind": "percent", "amount": "10"}],
        "wholesale": [
            {"kind": "cap", "amount": "500"},
            {"kind": "percent", "amount": "5"},
            {"kind": "bulk", "amount": "0.25", "min_qty": "20"},
        ],
        "broken": [{"kind": "percent", "amount": "120"}],
        "alien": [{"kind": "barter", "amount": "1"}],
    }
    return plans[plan]


@action
async def load_lines(quote: str) -> list[dict[str, object]]:
    quotes: dict[str, list[dict[str, object]]] = {
        "q1": [
            {"sku": "bolt", "qty": 40, "unit": "1.005"},
            {"sku": "panel", "qty": 3, "unit": "249.99", "tags": ["no-bulk"]},
            {"sku": "crate", "qty": 25, "unit": "30"},
        ],
        "q2": [{"sku": "bolt", "qty": 0, "unit": "1"}],
    }
    return quotes[quote]


@workflow
class PriceQuote(Workflow):
    def price(self, line: Line, rules: list[Rule]) -> Priced:
        priced = Priced(line.sku, line.gross)
        running = line.gross
        for rule in sorted(rules, key=lambda r: (r.priority, r.name)):
            if not rule.applies(line):
                continue
            off = rule.discount(line, running)
            if off:
                running -= off
                priced.steps.append(f"{rule.name}:-{off}")
        priced.net = Rule.money(running)
        return priced

    async def run(self, quote: str, plan: str) -> dict[str, object]:
        try:
            rules = [Rule.from_row(row) for row in await load_rules(plan)]
            lines = [
                Line(
                    str(r["sku"]), int(r["qty"]), Decimal(str(r["unit"])), tuple(r.get("tags", []))
                )  # type: ignore[call-overload, arg-type]
                for r in await load_lines(quote)
            ]
            priced = [self.price(line, rules) for line in lines]
        except PricingError as error:
            return {"rejected": error.rule, "why": str(error)}
        except ValueError as error:
            return {"invalid": str(error)}
        total = sum((p.net for p in priced), Decimal(0))
        return {
            "rules": repr(rules),
            "lines": {p.sku: f"{p.gross}->{p.net}" for p in priced},
            "steps": {p.sku: p.steps for p in priced if p.steps},
            "saved": str(sum(p.saved for p in priced)),
            "total": f"{total:,.2f}",
            "biggest": max(priced, key=lambda p: p.saved).sku,
        }


INPUTS = {
    "PriceQuote": [
        {"quote": "q1", "plan": "standard"},
        {"quote": "q1", "plan": "wholesale"},
        {"quote": "q1", "plan": "broken"},
        {"quote": "q1", "plan": "alien"},
        {"quote": "q2", "plan": "standard"},
    ]
}
