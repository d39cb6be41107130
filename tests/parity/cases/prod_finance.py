"""Finance batch jobs: a payroll run over employee kinds with `match`, Decimal rounding and
chained errors; model scoring fanned out to one child workflow per shard; and a quote engine
built from nested helper functions."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, field_validator

from waymark import Workflow, action, workflow

TWO_PLACES = Decimal("0.01")


class PayrollError(Exception):
    """A payslip that could not be computed."""

    def __init__(self, employee_id: str, reason: str) -> None:
        super().__init__(employee_id, reason)
        self.employee_id = employee_id

    def __str__(self) -> str:
        return f"{self.args[0]}: {self.args[1]}"


class Salaried(BaseModel):
    kind: Literal["salaried"] = "salaried"
    id: str
    annual: Decimal


class Hourly(BaseModel):
    kind: Literal["hourly"] = "hourly"
    id: str
    rate: Decimal
    overtime_after: int = 40


class Contractor(BaseModel):
    kind: Literal["contractor"] = "contractor"
    id: str
    invoice_ref: str | None = None

    @field_validator("invoice_ref")
    @classmethod
    def upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


Employee = Salaried | Hourly | Contractor


BRACKETS = [
    ("1000", "0.10"),
    ("4000", "0.22"),
    (None, "0.35"),
]


@action
async def timesheet_hours(employee_id: str, period: str) -> list[float]:
    sheets = {"h1": [8, 8, 8, 8, 8, 4.5], "h2": [], "h3": [12, 12, 12, 12]}
    if employee_id not in sheets:
        raise LookupError(f"no timesheet for {employee_id} in {period}")
    return sheets[employee_id]


@action
async def invoice_amount(ref: str) -> str:
    return {"INV-7": "3100.50", "INV-8": "n/a"}.get(ref, "0")


def tax(gross: Decimal) -> Decimal:
    owed, lower = Decimal(0), Decimal(0)
    for up_to, rate in BRACKETS:
        ceiling = Decimal(up_to) if up_to is not None else None
        band = (min(gross, ceiling) if ceiling is not None else gross) - lower
        if band <= 0:
            break
        owed += band * Decimal(rate)
        if ceiling is None:
            break
        lower = ceiling
    return owed.quantize(TWO_PLACES, rounding=ROUND_HALF_EVEN)


@workflow
class MonthlyPayroll(Workflow):
    async def run(self, staff: list[Employee], period: str, strict: bool = False) -> dict[str, Any]:
        payslips: dict[str, dict[str, str]] = {}
        problems: list[str] = []
        for person in staff:
            try:
                match person:
                    case Salaried(annual=annual):
                        gross = (annual / 12).quantize(TWO_PLACES)
                    case Hourly(rate=rate, overtime_after=limit):
                        try:
                            hours = sum(await timesheet_hours(person.id, period))
                        except LookupError as exc:
                            raise PayrollError(person.id, "missing timesheet") from exc
                        if not hours:
                            problems.append(f"{person.id}: no hours")
                            continue
                        base, extra = min(hours, limit), max(hours - limit, 0)
                        gross = (
                            rate * Decimal(str(base)) + rate * Decimal("1.5") * Decimal(str(extra))
                        ).quantize(TWO_PLACES)
                    case Contractor(invoice_ref=None):
                        raise PayrollError(person.id, "no invoice")
                    case Contractor(invoice_ref=ref):
                        raw = await invoice_amount(ref)
                        try:
                            gross = Decimal(raw)
                        except ArithmeticError as exc:
                            raise PayrollError(person.id, f"bad amount {raw!r}") from exc
            except PayrollError as exc:
                if strict:
                    raise
                cause = exc.__class__.__name__
                problems.append(f"{exc} [{cause}]")
                continue
            withheld = tax(gross) if person.kind != "contractor" else Decimal(0)
            payslips[person.id] = {
                "gross": f"{gross:,.2f}",
                "tax": f"{withheld:.2f}",
                "net": f"{gross - withheld:>10,.2f}",
                "effective": f"{(withheld / gross if gross else 0):.1%}",
            }
        return {"payslips": payslips, "problems": problems, "count": len(payslips)}


class Scored(BaseModel):
    shard: int
    n: int
    mean: float
    high_risk: list[str]


@action
async def load_shard(shard: int, size: int) -> list[dict[str, Any]]:
    if shard == 3:
        raise MemoryError("shard 3 does not fit")
    return [{"id": f"s{shard}-{i}", "x": (shard * 7 + i * 3) % 11 / 10} for i in range(size)]


@action
async def predict(features: list[float]) -> list[float]:
    return [round(1 / (1 + math.exp(-(4 * f - 2))), 4) for f in features]


@workflow
class ScoreShard(Workflow):
    async def run(self, shard: int, size: int, cutoff: float = 0.8) -> Scored:
        rows = await load_shard(shard, size)
        scores = await predict([r["x"] for r in rows])
        risky = [r["id"] for r, s in zip(rows, scores, strict=True) if s >= cutoff]
        return Scored(
            shard=shard,
            n=len(rows),
            mean=round(sum(scores) / len(scores), 4) if scores else 0.0,
            high_risk=risky,
        )


@workflow
class BatchScoring(Workflow):
    async def run(self, shards: int, size: int) -> dict[str, Any]:
        results = await asyncio.gather(
            *[ScoreShard().run(shard=i, size=size) for i in range(shards)], return_exceptions=True
        )
        done = [r for r in results if isinstance(r, Scored)]
        failed = {
            i: f"{type(r).__name__}: {r}"
            for i, r in enumerate(results)
            if not isinstance(r, Scored)
        }
        total = sum(s.n for s in done)
        return {
            "total": total,
            "weighted_mean": round(sum(s.mean * s.n for s in done) / total, 4) if total else None,
            "high_risk": sorted(
                (rid for s in done for rid in s.high_risk),
                key=lambda rid: (int(rid.split("-")[1]), rid),
            ),
            "failed": failed,
        }


class Tier(StrEnum):
    ECONOMY = "economy"
    FLEX = "flex"


@dataclass
class Quote:
    route: str
    tier: Tier
    legs: list[str] = field(default_factory=list)
    price: float = 0.0
    notes: list[str] = field(default_factory=list)


@action
async def fare(origin: str, dest: str) -> float | None:
    table = {
        ("LIS", "MAD"): 80.0,
        ("MAD", "BER"): 120.0,
        ("LIS", "BER"): 260.0,
        ("BER", "OSL"): 95.0,
    }
    return table.get((origin, dest))


@workflow
class QuoteTrip(Workflow):
    async def run(self, stops: list[str], tier: Tier = Tier.ECONOMY, budget: float = 500) -> Quote:
        def markup(price: float, *, fee: float = 7.5) -> float:
            return round(price * (1.25 if tier is Tier.FLEX else 1.0) + fee, 2)

        def describe(origin: str, dest: str, price: float) -> str:
            return f"{origin}->{dest} {price:>7.2f}"

        quote = Quote("-".join(stops), tier)
        i = 0
        while i < len(stops) - 1:
            origin, dest = stops[i], stops[i + 1]
            if (base := await fare(origin, dest)) is None:
                quote.notes.append(f"no fare {origin}->{dest}")
                break
            price = markup(base)
            if quote.price + price > budget:
                quote.notes.append(f"over budget at {dest}")
                break
            quote.legs.append(describe(origin, dest, price))
            quote.price = round(quote.price + price, 2)
            i += 1
        else:
            quote.notes.append("complete" if quote.legs else "nothing to quote")
        if direct := [leg for leg in quote.legs if leg.startswith(stops[0])] if stops else []:
            quote.notes.append(f"{len(direct)} leg(s) from origin")
        return quote


INPUTS = {
    "MonthlyPayroll": [
        {
            "staff": [
                Salaried(id="s1", annual=Decimal("61000")),
                Hourly(id="h1", rate=Decimal("22.50")),
                Hourly(id="h2", rate=Decimal("30")),
                Hourly(id="h3", rate=Decimal("18.25"), overtime_after=40),
                Hourly(id="h9", rate=Decimal("10")),
                Contractor(id="c1", invoice_ref="inv-7"),
                Contractor(id="c2"),
                Contractor(id="c3", invoice_ref="inv-8"),
            ],
            "period": "2024-05",
        },
        {
            "staff": [Salaried(id="s1", annual=Decimal("12000")), Contractor(id="c2")],
            "period": "2024-05",
            "strict": True,
        },
        {"staff": [], "period": "2024-05"},
    ],
    "QuoteTrip": [
        {"stops": ["LIS", "MAD", "BER", "OSL"]},
        {"stops": ["LIS", "MAD", "BER", "OSL"], "tier": Tier.FLEX, "budget": 300},
        {"stops": ["LIS", "OSL"]},
        {"stops": []},
    ],
}
