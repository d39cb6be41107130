"""Marketplace payouts: seller sales and refunds for a period combined, platform fees by
category with a minimum per order, reserves held back for new sellers, payouts under a
threshold rolled over, and a payout file line per seller; negative balances are reported."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain

from waymark import Workflow, action, workflow

FEES = {"books": Decimal("0.08"), "electronics": Decimal("0.05")}
DEFAULT_FEE = Decimal("0.10")
MIN_FEE = Decimal("0.30")
CENT = Decimal("0.01")


class PayoutError(Exception):
    pass


@dataclass
class Seller:
    id: str
    iban: str
    months_active: int


@action
async def sellers(region: str) -> list[Seller]:
    return [
        Seller("s-books", "DE89370400440532013000", 30),
        Seller("s-new", "DE02120300000000202051", 1),
        Seller("s-tiny", "FR1420041010050500013M02606", 12),
        Seller("s-refunds", "NL91ABNA0417164300", 8),
        Seller("s-bad-iban", "XX00", 50),
    ]


@action
async def ledger(seller_id: str, kind: str) -> list[tuple[str, str, str]]:
    sales = {
        "s-books": [("o1", "books", "25.00"), ("o2", "books", "3.50"), ("o3", "toys", "40.00")],
        "s-new": [("o4", "electronics", "899.00")],
        "s-tiny": [("o5", "toys", "4.99")],
        "s-refunds": [("o6", "toys", "20.00")],
        "s-bad-iban": [("o7", "books", "100.00")],
    }
    refunds = {"s-refunds": [("o6", "toys", "20.00"), ("o0", "toys", "15.00")]}
    source = sales if kind == "sale" else refunds
    return source.get(seller_id, [])


def fee_for(category: str, amount: Decimal, *, minimum: Decimal = MIN_FEE) -> Decimal:
    fee = (amount * FEES.get(category, DEFAULT_FEE)).quantize(CENT, ROUND_HALF_UP)
    return max(fee, minimum)


def money(*amounts: Decimal, sign: bool = False) -> str:
    total = sum(amounts, Decimal(0))
    return f"{total:+,.2f}" if sign else f"{total:,.2f}"


def check_iban(iban: str) -> str:
    compact = iban.replace(" ", "").upper()
    if len(compact) < 15 or not compact[:2].isalpha():
        raise PayoutError(f"invalid IBAN {iban[:4]}…")
    moved = compact[4:] + compact[:4]
    if int("".join(str(int(ch, 36)) for ch in moved)) % 97 != 1:
        raise PayoutError(f"IBAN checksum failed for {compact[:4]}…")
    return f"{compact[:4]} **** {compact[-4:]}"


@workflow
class SellerPayouts(Workflow):
    async def ledgers(self, everyone: list[Seller], kind: str) -> list[list[tuple[str, str, str]]]:
        return await asyncio.gather(*(ledger(s.id, kind) for s in everyone))

    async def run(
        self, region: str, *, threshold: str = "10.00", reserve_pct: int = 20, new_months: int = 3
    ) -> dict[str, object]:
        def reserve(seller: Seller, gross: Decimal) -> Decimal:
            if seller.months_active >= new_months or gross <= 0:
                return Decimal(0)
            return (gross * reserve_pct / 100).quantize(CENT)

        everyone = await sellers(region)
        sales, refunds = await asyncio.gather(
            self.ledgers(everyone, "sale"), self.ledgers(everyone, "refund")
        )
        lines, rolled, problems = [], {}, defaultdict(list)
        for seller, sold, back in zip(everyone, sales, refunds, strict=True):
            gross = sum((Decimal(a) for _, _, a in sold), Decimal(0))
            refunded = sum((Decimal(a) for _, _, a in back), Decimal(0))
            fees = sum(
                fee_for(cat, Decimal(a)) for _, cat, a in chain(sold, back) if (_, cat, a) in sold
            )
            held = reserve(seller, gross - refunded)
            net = gross - refunded - fees - held
            if net < 0:
                problems[seller.id].append(f"negative balance {money(net, sign=True)}")
                continue
            if net < Decimal(threshold):
                rolled[seller.id] = money(net)
                continue
            try:
                masked = check_iban(seller.iban)
            except PayoutError as error:
                problems[seller.id].append(str(error))
                continue
            lines.append(f"{seller.id:<10}{masked:>16}{money(net):>12}  held {money(held)}")
        return {"file": lines, "rolled_over": rolled, "problems": dict(problems)}


INPUTS = {
    "SellerPayouts": [
        {"region": "eu"},
        {"region": "eu", "threshold": "1", "reserve_pct": 50, "new_months": 13},
    ]
}
