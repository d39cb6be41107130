"""Month-end billing run over subscriptions: plans priced with Decimal, proration of upgrades
by days, usage tiers, tax by country with banker's rounding, credits applied before charging,
failed charges retried once and reported, and an invoice number per customer."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import Enum

from pydantic import BaseModel, Field

from waymark import RetryPolicy, Workflow, action, workflow

CENTS = Decimal("0.01")
TAX = {"DE": Decimal("0.19"), "FR": Decimal("0.20"), "US": Decimal("0")}
TIERS = ((1000, Decimal("0")), (10000, Decimal("0.002")), (None, Decimal("0.001")))
CHARGES: dict[str, int] = {}


def reset() -> None:
    CHARGES.clear()


class Plan(Enum):
    STARTER = Decimal("9.00")
    TEAM = Decimal("49.00")
    SCALE = Decimal("199.00")

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Subscription(BaseModel):
    customer: str
    plan: Plan
    country: str = "DE"
    usage: int = 0
    upgraded_from: Plan | None = None
    upgraded_on: date | None = None
    credit: Decimal = Field(default=Decimal("0"), ge=0)


class CardDeclined(Exception):
    pass


@action
async def charge(customer: str, amount: Decimal) -> str:
    CHARGES[customer] = CHARGES.get(customer, 0) + 1
    if customer.startswith("declined"):
        raise CardDeclined(f"{customer}: card declined for {amount}")
    if customer.startswith("flaky") and CHARGES[customer] == 1:
        raise ConnectionError("gateway reset")
    return f"ch_{customer}_{amount:f}".replace(".", "")


def usage_fee(units: int) -> Decimal:
    fee, floor = Decimal(0), 0
    for ceiling, rate in TIERS:
        band = units - floor if ceiling is None else min(units, ceiling) - floor
        if band <= 0:
            break
        fee += band * rate
        floor = ceiling or floor
    return fee.quantize(CENTS, ROUND_HALF_UP)


def prorate(sub: Subscription, year: int, month: int) -> Decimal:
    days = monthrange(year, month)[1]
    if sub.upgraded_from is None or sub.upgraded_on is None:
        return sub.plan.value
    used_new = days - sub.upgraded_on.day + 1
    old = sub.upgraded_from.value * (days - used_new) / days
    new = sub.plan.value * used_new / days
    return (old + new).quantize(CENTS, ROUND_HALF_EVEN)


@workflow
class BillingRun(Workflow):
    async def run(self, subs: list[Subscription], year: int, month: int) -> dict[str, object]:
        lines: list[str] = []
        failed: dict[str, str] = {}
        collected = Decimal(0)
        for seq, sub in enumerate(sorted(subs, key=lambda s: (s.country, s.customer)), 1):
            net = prorate(sub, year, month) + usage_fee(sub.usage)
            rate = TAX.get(sub.country)
            if rate is None:
                failed[sub.customer] = f"no tax rate for {sub.country!r}"
                continue
            gross = (net * (1 + rate)).quantize(CENTS, ROUND_HALF_EVEN)
            due = max(gross - sub.credit, Decimal(0))
            number = f"INV-{year}{month:02d}-{seq:04d}"
            if not due:
                lines.append(f"{number} {sub.customer:<10} {sub.plan.label:<8} covered by credit")
                continue
            try:
                ref = await self.run_action(
                    charge(sub.customer, due),
                    retry=RetryPolicy(attempts=2, exception_types=[ConnectionError]),
                )
            except CardDeclined as error:
                failed[sub.customer] = str(error)
            else:
                collected += due
                lines.append(f"{number} {sub.customer:<10} {sub.plan.label:<8} {due:>9} {ref}")
        return {"lines": lines, "failed": failed, "collected": f"{collected:,.2f}"}


INPUTS = {
    "BillingRun": [
        {
            "subs": [
                Subscription(customer="acme", plan=Plan.TEAM, usage=12500),
                Subscription(
                    customer="bolt",
                    plan=Plan.SCALE,
                    country="FR",
                    upgraded_from=Plan.TEAM,
                    upgraded_on=date(2024, 2, 20),
                ),
                Subscription(customer="flaky-co", plan=Plan.STARTER, country="US", usage=900),
                Subscription(customer="declined-1", plan=Plan.TEAM),
                Subscription(customer="credit", plan=Plan.STARTER, credit=Decimal("50")),
                Subscription(customer="mars", plan=Plan.STARTER, country="MA"),
            ],
            "year": 2024,
            "month": 2,
        },
        {"subs": [], "year": 2023, "month": 12},
    ]
}
