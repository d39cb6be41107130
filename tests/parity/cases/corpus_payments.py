"""Checkout payment saga: the order is split across tenders (gift card first, then the card on
file), each capture retried on soft declines with a growing durable backoff, and every
capture already taken refunded, newest first, when a later step fails. An audit trail is
written in `finally` whatever the outcome."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal

from waymark import Workflow, action, workflow

MAX_ATTEMPTS = 3
BACKOFF_SECONDS = (2, 8, 30)
GIFT_CARD_BALANCES = {
    "GC-100": Decimal("25.00"),
    "GC-EMPTY": Decimal("0"),
    "GC-BIG": Decimal("500"),
}


class PaymentError(Exception):
    retryable = False


class SoftDecline(PaymentError):
    retryable = True

    def __init__(self, tender: str, attempt: int) -> None:
        super().__init__(f"{tender} soft decline on attempt {attempt}")
        self.tender = tender
        self.attempt = attempt


class HardDecline(PaymentError):
    def __init__(self, tender: str, code: str) -> None:
        super().__init__(f"{tender} declined ({code})")
        self.code = code


class FulfilmentError(Exception):
    pass


@dataclass(frozen=True)
class Capture:
    tender: str
    amount: Decimal
    reference: str


@dataclass
class Ledger:
    order_id: str
    captures: list[Capture] = field(default_factory=list)
    refunds: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    @property
    def captured(self) -> Decimal:
        return sum((c.amount for c in self.captures), Decimal("0"))


@action
async def capture(order_id: str, tender: str, amount: str, attempt: int) -> str:
    if tender.startswith("card-flaky") and attempt < 2:
        raise SoftDecline(tender, attempt)
    if tender.startswith("card-stolen"):
        raise HardDecline(tender, "R05")
    return f"{order_id}/{tender}/{amount}"


@action
async def refund(reference: str) -> str:
    return f"refunded {reference}"


@action
async def reserve_stock(order_id: str, skus: list[str]) -> list[str]:
    missing = [s for s in skus if s.startswith("oos-")]
    if missing:
        raise FulfilmentError(f"out of stock: {', '.join(missing)}")
    return [f"{order_id}:{s}" for s in skus]


@action
async def write_audit(order_id: str, events: list[str]) -> int:
    return len(events)


def split_tenders(total: Decimal, gift_card: str | None, card: str) -> list[tuple[str, Decimal]]:
    plan: list[tuple[str, Decimal]] = []
    remaining = total
    if gift_card is not None:
        usable = min(GIFT_CARD_BALANCES.get(gift_card, Decimal("0")), remaining)
        if usable > 0:
            plan.append((gift_card, usable))
            remaining -= usable
    if remaining:
        plan.append((card, remaining))
    return plan


@workflow
class CheckoutPayment(Workflow):
    async def take(self, ledger: Ledger, tender: str, amount: Decimal) -> Capture:
        for attempt in range(MAX_ATTEMPTS):
            try:
                reference = await capture(ledger.order_id, tender, str(amount), attempt)
            except PaymentError as error:
                ledger.events.append(f"{type(error).__name__}: {error}")
                if not error.retryable or attempt == MAX_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(BACKOFF_SECONDS[attempt])
            else:
                return Capture(tender, amount, reference)
        raise AssertionError("unreachable")

    async def run(
        self,
        order_id: str,
        total: str,
        card: str = "card-visa",
        gift_card: str | None = None,
        skus: tuple[str, ...] = ("sku-1",),
    ) -> dict[str, object]:
        ledger = Ledger(order_id)
        status = "pending"
        try:
            for tender, amount in split_tenders(Decimal(total), gift_card, card):
                ledger.captures.append(await self.take(ledger, tender, amount))
            reserved = await reserve_stock(order_id, list(skus))
            ledger.events.append(f"reserved {len(reserved)}")
            status = "paid"
        except (PaymentError, FulfilmentError) as error:
            status = f"failed: {error}"
            for taken in reversed(ledger.captures):
                ledger.refunds.append(await refund(taken.reference))
        finally:
            ledger.events.append(f"status={status.split(':')[0]}")
            written = await write_audit(order_id, ledger.events)
        net = ledger.captured if not ledger.refunds else Decimal("0.00")
        return {
            "status": status,
            "captures": [(c.tender, c.amount) for c in ledger.captures],
            "refunds": ledger.refunds,
            "net": f"{net:.2f}",
            "audit_lines": written,
            "events": ledger.events,
        }
