"""Monthly subscription billing: a plan prorated across mid-cycle plan changes, API usage
priced in tiers, a regional tax rate, account credit, and the invoice rendered as text."""

from __future__ import annotations

import asyncio
import calendar
import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from waymark import Workflow, action, workflow

CENT = Decimal("0.01")
PLAN_PRICES = {"starter": Decimal("19.00"), "team": Decimal("99.00"), "enterprise": Decimal("499")}
TAX_RATES = {"US-CA": Decimal("0.0725"), "US-NY": Decimal("0.08875"), "DE": Decimal("0.19")}
USAGE_TIERS = ((1_000, Decimal("0")), (10_000, Decimal("0.002")), (None, Decimal("0.0015")))


class Plan(str, Enum):  # noqa: UP042 (a str mixin, as older code writes it)
    STARTER = "starter"
    TEAM = "team"
    ENTERPRISE = "enterprise"


class Customer(BaseModel):
    id: str
    name: str
    region: str
    plan: Plan
    credit: Decimal = Decimal("0")


class PlanChange(BaseModel):
    on: date
    plan: Plan


@dataclass
class LineItem:
    description: str
    amount: Decimal

    def render(self) -> str:
        return f"{self.description:<36}{self.amount:>12,.2f}"


@dataclass
class Invoice:
    customer_id: str
    period: str
    lines: list[LineItem] = field(default_factory=list)
    credit_applied: Decimal = Decimal("0")

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))


class BillingError(Exception):
    pass


class UnknownRegion(BillingError):
    def __init__(self, region: str) -> None:
        super().__init__(f"no tax rate for region {region!r}")
        self.region = region


CUSTOMERS = {
    "c1": {"id": "c1", "name": "Acme Corp", "region": "US-NY", "plan": "starter", "credit": "5"},
    "c2": {"id": "c2", "name": "Globex GmbH", "region": "DE", "plan": "enterprise"},
    "c3": {"id": "c3", "name": "Initech", "region": "MARS", "plan": "team"},
}


@action
async def load_customer(customer_id: str) -> Customer:
    return Customer.model_validate(CUSTOMERS[customer_id])


@action
async def load_usage(customer_id: str, year: int, month: int) -> list[int]:
    days = calendar.monthrange(year, month)[1]
    base = {"c1": 90, "c2": 2_400, "c3": 10}[customer_id]
    return [base * (1 + (day % 7 == 3)) for day in range(days)]


@action
async def load_plan_changes(customer_id: str) -> list[PlanChange]:
    if customer_id == "c1":
        return [
            PlanChange(on=date(2024, 2, 20), plan=Plan.ENTERPRISE),
            PlanChange(on=date(2024, 2, 10), plan=Plan.TEAM),
        ]
    return [PlanChange(on=date(2023, 12, 1), plan=Plan.ENTERPRISE)]


@action
async def save_invoice(payload: str) -> str:
    return f"INV-{len(payload):06d}"


def usage_charge(calls: int) -> Decimal:
    remaining, previous, total = calls, 0, Decimal(0)
    for ceiling, rate in USAGE_TIERS:
        span = remaining if ceiling is None else min(remaining, ceiling - previous)
        total += span * rate
        remaining -= span
        if ceiling is not None:
            previous = ceiling
        if remaining <= 0:
            break
    return total.quantize(CENT, rounding=ROUND_HALF_EVEN)


def prorate(price: Decimal, days_used: int, days_in_month: int) -> Decimal:
    return (price * days_used / days_in_month).quantize(CENT)


@workflow
class MonthlyInvoice(Workflow):
    async def run(self, customer_id: str, year: int = 2024, month: int = 2) -> dict[str, Any]:
        customer = await load_customer(customer_id)
        usage, changes = await asyncio.gather(
            load_usage(customer_id, year, month), load_plan_changes(customer_id)
        )
        _, days = calendar.monthrange(year, month)
        start = date(year, month, 1)
        end = start + timedelta(days=days)
        invoice = Invoice(customer.id, start.strftime("%B %Y"))
        segments: list[tuple[Plan, date, date]] = []
        current, since = customer.plan, start
        for change in sorted(changes, key=lambda c: c.on):
            if not start <= change.on < end:
                continue
            segments.append((current, since, change.on))
            current, since = change.plan, change.on
        segments.append((current, since, end))
        for plan, begin, finish in segments:
            if (used := (finish - begin).days) == 0:
                continue
            last = finish - timedelta(days=1)
            label = f"{plan.value.title()} plan {begin:%b %d}-{last:%d}"
            invoice.lines.append(LineItem(label, prorate(PLAN_PRICES[plan.value], used, days)))
        if calls := sum(usage):
            invoice.lines.append(LineItem(f"API calls ({calls:,})", usage_charge(calls)))
        try:
            rate = TAX_RATES[customer.region]
        except KeyError:
            raise UnknownRegion(customer.region) from None
        credit = min(customer.credit, invoice.subtotal)
        invoice.credit_applied = credit
        taxable = invoice.subtotal - credit
        tax = (taxable * rate).quantize(CENT, rounding=ROUND_HALF_EVEN)
        total = taxable + tax
        rows = [line.render() for line in invoice.lines]
        rows.append(f"{'Credit':<36}{-credit:>12,.2f}")
        rows.append(f"{'Tax (' + format(rate, '.3%') + ')':<36}{tax:>12,.2f}")
        rows.append(f"{'Total':<36}{total:>12,.2f}")
        number = await save_invoice(json.dumps(asdict(invoice), default=str, sort_keys=True))
        peak = max(range(len(usage)), key=usage.__getitem__) + 1 if usage else None
        return {
            "number": number,
            "total": str(total),
            "text": f"Invoice for {customer.name} ({invoice.period})\n" + "\n".join(rows),
            "peak_day": peak,
        }


INPUTS = {
    "MonthlyInvoice": [
        {"customer_id": "c1"},
        {"customer_id": "c2", "month": 3},
        {"customer_id": "c3"},
    ]
}
