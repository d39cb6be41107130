"""Fulfil an order: price it, reserve stock, charge the card, ship, and compensate on failure.

When shipping is impossible the workflow undoes what it did, in an `except` block: the charge
is refunded and the reservation released. Each step is an action, so a crash between the
charge and the refund loses nothing: the refund still happens, exactly once per instance.
The services are simulated in-process (no network): a sku starting with `gone-` is out of
stock, and an address containing `nowhere` cannot be shipped to.
"""

import asyncio
from datetime import timedelta

from pydantic import BaseModel

from waymark import RetryPolicy, Workflow, action, workflow

PRICES = {"book": 12.5, "lamp": 40.0, "mug": 8.0}


class LineItem(BaseModel):
    sku: str
    quantity: int


class Order(BaseModel):
    order_id: str
    customer: str
    address: str
    items: list[LineItem]


class Receipt(BaseModel):
    order_id: str
    status: str
    charged: float
    refunded: float = 0.0
    tracking: str | None = None
    reason: str | None = None


class OutOfStock(Exception):
    pass


class ShippingUnavailable(Exception):
    pass


@action
async def price_order(order: Order) -> float:
    return sum(PRICES.get(item.sku, 20.0) * item.quantity for item in order.items)


@action
async def reserve_inventory(order: Order) -> str:
    missing = [item.sku for item in order.items if item.sku.startswith("gone-")]
    if missing:
        raise OutOfStock(f"out of stock: {', '.join(missing)}")
    return f"res-{order.order_id}"


@action
async def charge_card(customer: str, amount: float) -> str:
    await asyncio.sleep(0.01)  # the payment provider's latency
    return f"ch-{customer}-{int(amount * 100)}"


@action
async def create_shipment(order: Order) -> str:
    if "nowhere" in order.address.lower():
        raise ShippingUnavailable(f"no carrier delivers to {order.address!r}")
    return f"trk-{order.order_id}"


@action
async def refund_charge(charge_id: str, amount: float) -> str:
    return f"rf-{charge_id}"


@action
async def release_inventory(reservation_id: str) -> None:
    return None


@action
async def email_receipt(customer: str, receipt: Receipt) -> bool:
    return True


@workflow
class OrderFulfilmentWorkflow(Workflow):
    async def run(self, order: Order) -> Receipt:
        total = await price_order(order)
        try:
            reservation = await reserve_inventory(order)
        except OutOfStock as error:
            return Receipt(
                order_id=order.order_id, status="rejected", charged=0.0, reason=str(error)
            )

        charge = await self.run_action(
            charge_card(order.customer, total),
            retry=RetryPolicy(attempts=3),
            timeout=timedelta(seconds=30),
        )
        try:
            tracking = await create_shipment(order)
            receipt = Receipt(
                order_id=order.order_id, status="shipped", charged=total, tracking=tracking
            )
        except ShippingUnavailable as error:
            # Compensate: give the money back and free the stock, then say why.
            await refund_charge(charge, total)
            await release_inventory(reservation)
            receipt = Receipt(
                order_id=order.order_id,
                status="refunded",
                charged=total,
                refunded=total,
                reason=str(error),
            )

        await email_receipt(order.customer, receipt)
        return receipt
