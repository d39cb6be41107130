"""Warehouse stock holds for a quote: quantities in decimal units of measure (kg, m) held
against lots, first-expiring first, prices converted between units with Decimal context
rounding, a discount spread over the lines by largest remainder so the cents add up, and
holds released when the customer's quote expires."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from waymark import Workflow, action, workflow

CENT = Decimal("0.01")
GRAM = Decimal("0.001")
UNIT_FACTORS = {
    ("kg", "g"): Decimal(1000),
    ("g", "kg"): Decimal("0.001"),
    ("m", "cm"): Decimal(100),
}


@dataclass
class Lot:
    code: str
    expires: str
    available: Decimal


@dataclass(frozen=True)
class Hold:
    lot: str
    quantity: Decimal


class NotEnoughStock(Exception):
    def __init__(self, sku: str, short: Decimal) -> None:
        super().__init__(f"{sku}: short by {short}")
        self.short = short


@action
async def lots_for(sku: str) -> list[Lot]:
    if sku == "saffron":
        return [
            Lot("S-2", "2025-03-01", Decimal("0.250")),
            Lot("S-1", "2025-01-15", Decimal("0.120")),
        ]
    return [
        Lot(f"{sku[:2].upper()}-{i}", f"2025-0{i}-01", Decimal(f"{i * 12.5:.3f}"))
        for i in range(3, 0, -1)
    ]


@action
async def place_hold(sku: str, holds: list[Hold]) -> str:
    return f"H-{sku}-{sum(h.quantity for h in holds)}"


@action
async def release(hold_id: str) -> str:
    return f"released {hold_id}"


def convert(quantity: Decimal, unit: str, base: str) -> Decimal:
    if unit == base:
        return quantity
    try:
        factor = UNIT_FACTORS[(unit, base)]
    except KeyError:
        raise ValueError(f"cannot convert {unit} to {base}") from None
    return (quantity * factor).quantize(GRAM, rounding=ROUND_HALF_EVEN)


def allocate(sku: str, lots: list[Lot], wanted: Decimal) -> list[Hold]:
    holds = []
    for lot in sorted(lots, key=lambda entry: entry.expires):
        if wanted <= 0:
            break
        take = min(lot.available, wanted)
        holds.append(Hold(lot.code, take))
        wanted -= take
    if wanted > 0:
        raise NotEnoughStock(sku, wanted)
    return holds


def spread_discount(amounts: list[Decimal], discount: Decimal) -> list[Decimal]:
    total = sum(amounts)
    raw = [discount * a / total for a in amounts]
    floored = [r.quantize(CENT, rounding=ROUND_DOWN) for r in raw]
    leftover = int((discount - sum(floored)) / CENT)
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - floored[i], -i), reverse=True)
    for i in order[:leftover]:
        floored[i] += CENT
    return floored


@workflow
class QuoteHolds(Workflow):
    async def run(
        self,
        lines: list[tuple[str, str, str, str]],
        discount: str = "0",
        quote_hours: float = 0,
    ) -> dict[str, object]:
        hold_ids: list[str] = []
        amounts: list[Decimal] = []
        errors: list[str] = []
        for sku, quantity, unit, price_per_kg in lines:
            try:
                wanted = convert(Decimal(quantity), unit, "kg")
                holds = allocate(sku, await lots_for(sku), wanted)
            except (NotEnoughStock, ValueError, InvalidOperation) as error:
                errors.append(f"{type(error).__name__}: {error}")
                continue
            hold_ids.append(await place_hold(sku, holds))
            amounts.append((wanted * Decimal(price_per_kg)).quantize(CENT, ROUND_HALF_UP))
        discounts = spread_discount(amounts, Decimal(discount)) if amounts else []
        released: list[str] = []
        if quote_hours:
            await asyncio.sleep(quote_hours * 3600)
            released = [await release(h) for h in reversed(hold_ids)]
        net = [a - d for a, d in zip(amounts, discounts, strict=True)]
        return {
            "holds": hold_ids,
            "amounts": [str(a) for a in amounts],
            "discounts": discounts,
            "net_total": f"{sum(net, Decimal(0)):,.2f}",
            "errors": errors,
            "released": released,
            "per_gram": [str((n / 1000).quantize(Decimal("0.0001"))) for n in net],
        }
