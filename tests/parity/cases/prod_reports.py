"""A monthly billing report: usage fetched per account, money in Decimal with banker's and
half-up rounding, dates in the account's zone, and a text table built with format specs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from waymark import Workflow, action, workflow

PRICE_PER_UNIT = {"api": Decimal("0.0004"), "storage": Decimal("0.023"), "seats": Decimal("12")}
VAT = Decimal("0.2")


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    tz: str
    plan: str = "standard"


@dataclass
class Usage:
    metric: str
    quantity: int
    at: datetime


ACCOUNTS = [
    Account("a1", "Acme GmbH", "Europe/Berlin", "enterprise"),
    Account("a2", "Bistro Lda", "Europe/Lisbon"),
    Account("a3", "Kiwi Ltd", "Pacific/Auckland"),
]


@action
async def list_accounts() -> list[Account]:
    return ACCOUNTS


@action
async def fetch_usage(account_id: str, start: datetime, end: datetime) -> list[Usage]:
    base = datetime(2024, 2, 29, 23, 30, tzinfo=UTC)
    rows = {
        "a1": [("api", 1_234_567), ("storage", 512), ("seats", 40)],
        "a2": [("api", 999), ("seats", 3)],
        "a3": [],
    }[account_id]
    return [Usage(m, q, base + timedelta(hours=i)) for i, (m, q) in enumerate(rows)]


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    last = calendar.monthrange(year, month)[1]
    start = datetime(year, month, 1, tzinfo=UTC)
    return start, start + timedelta(days=last)


@workflow
class MonthlyBilling(Workflow):
    async def run(self, year: int, month: int, discount_pct: int = 0) -> dict[str, Any]:
        start, end = month_bounds(year, month)
        accounts = await list_accounts()
        lines: list[str] = [f"Billing {date(year, month, 1):%B %Y} ({(end - start).days} days)"]
        lines.append(f"{'account':<12}{'net':>12}{'vat':>10}{'gross':>12}  first use (local)")
        totals = Decimal(0)
        invoices: dict[str, dict[str, Any]] = {}
        for account in sorted(accounts, key=lambda a: a.name.casefold()):
            usage = await fetch_usage(account.id, start, end)
            if not usage:
                lines.append(f"{account.name:<12}{'—':>12}")
                continue
            net = sum((PRICE_PER_UNIT[u.metric] * u.quantity for u in usage), start=Decimal(0))
            if account.plan == "enterprise" and discount_pct:
                net -= net * Decimal(discount_pct) / 100
            net = money(net)
            vat = (net * VAT).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
            gross = net + vat
            totals += gross
            first = min(u.at for u in usage).astimezone(ZoneInfo(account.tz))
            lines.append(
                f"{account.name[:12]:<12}{net:>12,.2f}{vat:>10.2f}{gross:>12,}  "
                f"{first:%Y-%m-%d %H:%M %Z} (UTC{first:%z})"
            )
            invoices[account.id] = {
                "gross": gross,
                "cents": int(gross * 100),
                "due": (first.date() + timedelta(days=30)).isoformat(),
                "weekday": f"{first:%A}",
                "pct_of_api": f"{sum(u.quantity for u in usage if u.metric == 'api') / 1e6:.1%}",
            }
        lines.append(f"{'TOTAL':<12}{totals:>34,.2f}")
        return {"report": "\n".join(lines), "invoices": invoices, "total": str(totals)}
