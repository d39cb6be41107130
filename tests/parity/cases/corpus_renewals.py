"""Subscription renewals: contracts ending within a horizon are renewed, their new end date
computed by calendar months (clamped to month end), price uplifts applied with a cap, failed
renewals retried from a work queue up to a limit, and a notice sent for each in a finally."""

from __future__ import annotations

import calendar
from collections import deque
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from waymark import Workflow, action, workflow

TRIES: dict[str, int] = {}


def reset() -> None:
    TRIES.clear()


class RenewalBlocked(Exception):
    """The contract cannot be renewed (legal hold, churned)."""


class TryLater(Exception):
    pass


@dataclass(frozen=True)
class Contract:
    id: str
    ends: date
    months: int
    price: Decimal
    uplift_pct: int = 3


@action
async def contracts(book: str) -> list[Contract]:
    return [
        Contract("C-1", date(2024, 1, 31), 1, Decimal("100.00")),
        Contract("C-2", date(2024, 2, 29), 12, Decimal("1200.00"), uplift_pct=12),
        Contract("C-3", date(2024, 3, 15), 6, Decimal("333.33")),
        Contract("C-4", date(2024, 2, 10), 3, Decimal("90.00"), uplift_pct=0),
        Contract("C-5", date(2025, 1, 1), 12, Decimal("10.00")),
    ]


@action
async def renew(contract: Contract) -> str:
    TRIES[contract.id] = TRIES.get(contract.id, 0) + 1
    if contract.id == "C-3" and TRIES[contract.id] < 3:
        raise TryLater("billing system locked")
    if contract.id == "C-4":
        raise RenewalBlocked(f"{contract.id} is on legal hold")
    return f"{contract.id}@{contract.ends:%Y%m%d}"


@action
async def notify(contract_id: str, text: str) -> None:
    return None


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def uplifted(price: Decimal, pct: int, cap: int) -> Decimal:
    factor = 1 + Decimal(min(pct, cap)) / 100
    return (price * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@workflow
class RenewContracts(Workflow):
    async def run(
        self, book: str, today: date, horizon_days: int = 60, cap_pct: int = 8, max_tries: int = 3
    ) -> dict[str, object]:
        cutoff = today + timedelta(days=horizon_days)
        due = deque(c for c in await contracts(book) if today <= c.ends <= cutoff)
        tries: dict[str, int] = {}
        renewed, blocked, notices = [], [], []
        while due:
            contract = due.popleft()
            tries[contract.id] = attempt = tries.get(contract.id, 0) + 1
            nxt = replace(
                contract,
                ends=add_months(contract.ends, contract.months),
                price=uplifted(contract.price, contract.uplift_pct, cap_pct),
            )
            outcome = "failed"
            try:
                ref = await renew(nxt)
            except TryLater:
                if attempt < max_tries:
                    due.append(contract)
                    outcome = "retrying"
            except RenewalBlocked as error:
                blocked.append(str(error))
                outcome = "blocked"
            else:
                renewed.append((ref, str(nxt.price), (nxt.ends - contract.ends).days))
                outcome = "renewed"
            finally:
                await notify(contract.id, outcome)
                notices.append(f"{contract.id}#{attempt}:{outcome}")
        return {"renewed": renewed, "blocked": blocked, "notices": notices}


INPUTS = {
    "RenewContracts": [
        {"book": "eu", "today": date(2024, 1, 20)},
        {"book": "eu", "today": date(2024, 1, 20), "max_tries": 2, "cap_pct": 20},
        {"book": "eu", "today": date(2024, 6, 1)},
    ]
}
