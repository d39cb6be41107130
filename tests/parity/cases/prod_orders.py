"""An order-fulfilment saga as a shop team writes it: custom exception classes carrying data,
compensation in reverse from `except`, retries on a transient class, money in `Decimal`, and a
child workflow that ships the parcel."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

logger = logging.getLogger(__name__)

CENTS = Decimal("0.01")
TAX_RATES = {"US": Decimal("0.0825"), "DE": Decimal("0.19"), "GB": Decimal("0.20")}
LEDGER: list[str] = []
ATTEMPTS: dict[str, int] = {}


def reset() -> None:
    LEDGER.clear()
    ATTEMPTS.clear()


class OrderStatus(str, Enum):  # noqa: UP042 (as older code bases write it)
    PLACED = "placed"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class OrderError(Exception):
    """Base of every failure a customer can see."""

    def __init__(self, order_id: str, reason: str) -> None:
        super().__init__(f"order {order_id}: {reason}")
        self.order_id = order_id
        self.reason = reason


class OutOfStock(OrderError):
    def __init__(self, order_id: str, sku: str, wanted: int, available: int) -> None:
        super().__init__(order_id, f"{sku} short by {wanted - available}")
        self.sku = sku


class PaymentDeclined(OrderError):
    pass


class GatewayUnavailable(Exception):
    pass


class LineItem(BaseModel):
    sku: str
    quantity: int
    unit_price: Decimal


class Order(BaseModel):
    id: str
    customer: str
    country: str = "US"
    items: list[LineItem]
    coupon: str | None = None


@dataclass
class Receipt:
    order_id: str
    status: OrderStatus
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    steps: list[str] = field(default_factory=list)
    tracking: str | None = None


STOCK = {"mug": 5, "tee": 2, "cap": 0}


@action
async def reserve_stock(order_id: str, sku: str, quantity: int) -> str:
    available = STOCK.get(sku, 0)
    if quantity > available:
        raise OutOfStock(order_id, sku, quantity, available)
    LEDGER.append(f"reserve {sku}x{quantity}")
    return f"res-{order_id}-{sku}"


@action
async def release_stock(reservation: str) -> None:
    LEDGER.append(f"release {reservation}")


@action
async def charge_card(customer: str, amount: Decimal) -> str:
    key = f"charge-{customer}"
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if customer == "flaky" and ATTEMPTS[key] < 3:
        raise GatewayUnavailable(f"gateway timeout (attempt {ATTEMPTS[key]})")
    if customer == "broke":
        raise PaymentDeclined("?", f"card declined for {amount:.2f}")
    LEDGER.append(f"charge {customer} {amount}")
    return f"ch_{customer}_{int(amount * 100)}"


@action
async def refund(charge_id: str) -> None:
    LEDGER.append(f"refund {charge_id}")


@action
async def create_label(order_id: str, country: str) -> str:
    if country == "ZZ":
        raise ValueError(f"no carrier serves {country!r}")
    return f"TRK{order_id.upper()}{country}"


@action
async def ledger() -> list[str]:
    return list(LEDGER)


def _discount(coupon: str | None, subtotal: Decimal) -> Decimal:
    match coupon:
        case None:
            return Decimal(0)
        case str(code) if code.startswith("PCT"):
            return (subtotal * Decimal(code[3:]) / 100).quantize(CENTS, ROUND_HALF_UP)
        case "FLAT5":
            return min(Decimal(5), subtotal)
        case _:
            return Decimal(0)


@workflow
class ShipParcel(Workflow):
    async def run(self, order_id: str, country: str) -> str:
        label = await self.run_action(
            create_label(order_id, country), retry=RetryPolicy(attempts=2, exception_types=[])
        )
        return label


@workflow
class CheckoutSaga(Workflow):
    async def run(self, order: Order) -> dict[str, Any]:
        subtotal = sum((i.unit_price * i.quantity for i in order.items), Decimal(0))
        discount = _discount(order.coupon, subtotal)
        rate = TAX_RATES.get(order.country, Decimal(0))
        tax = ((subtotal - discount) * rate).quantize(CENTS, rounding=ROUND_HALF_UP)
        receipt = Receipt(order.id, OrderStatus.PLACED, subtotal, tax, subtotal - discount + tax)
        reservations: list[str] = []
        charge_id: str | None = None
        try:
            for item in order.items:
                reservations.append(await reserve_stock(order.id, item.sku, item.quantity))
                receipt.steps.append(f"reserved {item.sku}")
            charge_id = await self.run_action(
                charge_card(order.customer, receipt.total),
                retry=RetryPolicy(attempts=4, exception_types=[GatewayUnavailable]),
                backoff=BackoffPolicy(base_delay=1),
            )
            receipt.status = OrderStatus.PAID
            receipt.tracking = await ShipParcel().run(order.id, order.country)
            receipt.status = OrderStatus.SHIPPED
        except (OrderError, ValueError) as exc:
            logger.warning("rolling back %s: %s", order.id, exc)
            if charge_id is not None:
                await refund(charge_id)
                receipt.steps.append("refunded")
            for reservation in reversed(reservations):
                await release_stock(reservation)
            receipt.status = OrderStatus.CANCELLED
            receipt.steps.append(f"{type(exc).__name__}: {exc}")
            if isinstance(exc, OutOfStock):
                receipt.steps.append(f"short sku={exc.sku}")
        return {
            "receipt": receipt,
            "status": receipt.status.value,
            "summary": f"{receipt.order_id} {receipt.status.name.lower():>9} ${receipt.total:,.2f}",
            "ledger": await ledger(),
        }


def _order(
    oid: str, customer: str, country: str, *items: tuple[str, int, str], coupon: str | None = None
) -> Order:
    return Order(
        id=oid,
        customer=customer,
        country=country,
        coupon=coupon,
        items=[LineItem(sku=s, quantity=q, unit_price=Decimal(p)) for s, q, p in items],
    )


INPUTS = {
    "CheckoutSaga": [
        {
            "order": _order(
                "o1", "ada", "DE", ("mug", 2, "12.50"), ("tee", 1, "19.99"), coupon="PCT10"
            )
        },
        {"order": _order("o2", "flaky", "US", ("mug", 1, "12.50"), coupon="FLAT5")},
        {"order": _order("o3", "ada", "US", ("mug", 1, "12.50"), ("cap", 1, "9.00"))},
        {"order": _order("o4", "broke", "GB", ("tee", 2, "19.99"))},
        {"order": _order("o5", "ada", "ZZ", ("mug", 3, "1234.5"))},
    ]
}
