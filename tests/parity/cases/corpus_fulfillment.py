"""Order fulfilment as a state machine: an enum of states with properties, a transition table,
events matched as (state, event) pairs, a pydantic order copied with updates, packages shipped
by a child workflow, and an audit trail."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, ValidationError, computed_field

from waymark import Workflow, action, workflow


class State(Enum):
    NEW = "new"
    PAID = "paid"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (State.DELIVERED, State.CANCELLED)

    def __str__(self) -> str:
        return self.value.upper()


TRANSITIONS: dict[State, set[State]] = {
    State.NEW: {State.PAID, State.CANCELLED},
    State.PAID: {State.PACKED, State.CANCELLED},
    State.PACKED: {State.SHIPPED},
    State.SHIPPED: {State.DELIVERED},
}


class Item(BaseModel):
    sku: str
    qty: int = Field(gt=0)
    price: Decimal


class Order(BaseModel):
    id: str
    items: list[Item]
    state: State = State.NEW
    placed: datetime
    history: list[str] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Decimal:
        return sum((i.price * i.qty for i in self.items), Decimal("0"))


class IllegalTransition(Exception):
    pass


@action
async def charge(order_id: str, amount: Decimal) -> str:
    if amount > 1000:
        raise PermissionError(f"amount {amount} needs manual review")
    return f"ch_{order_id}"


@action
async def create_label(order_id: str, box: int) -> str:
    return f"1Z{order_id.upper()}{box:03d}"


@action
async def carrier_events(label: str) -> list[str]:
    return (
        ["picked_up", "in_transit", "delivered"] if label.endswith("001") else ["picked_up", "lost"]
    )


@workflow
class ShipPackage(Workflow):
    async def run(self, order_id: str, box: int) -> dict[str, Any]:
        label = await create_label(order_id, box)
        events = await carrier_events(label)
        return {"label": label, "delivered": events[-1] == "delivered", "events": len(events)}


def advance(order: Order, target: State, at: datetime, why: str = "") -> Order:
    if target not in TRANSITIONS.get(order.state, set()):
        raise IllegalTransition(f"{order.state} -> {target} not allowed")
    note = f"{at:%H:%M} {order.state}->{target}" + (f" ({why})" if why else "")
    return order.model_copy(update={"state": target, "history": [*order.history, note]})


@workflow
class FulfilOrder(Workflow):
    async def run(
        self, order_id: str, lines: list[dict[str, Any]], boxes: int = 2
    ) -> dict[str, Any]:
        clock = datetime(2024, 4, 2, 8, 0)
        try:
            order = Order(id=order_id, items=[Item(**line) for line in lines], placed=clock)
        except ValidationError as error:
            return {
                "state": "rejected",
                "errors": [f"{e['loc'][-1]}: {e['type']}" for e in error.errors()],
            }
        events = ["pay", "pack", "ship", "pack"]
        for event in events:
            clock += timedelta(minutes=45)
            match (order.state, event):
                case (State.NEW, "pay"):
                    try:
                        receipt = await charge(order.id, order.total)
                    except PermissionError as error:
                        order = advance(order, State.CANCELLED, clock, str(error))
                        break
                    order = advance(order, State.PAID, clock, receipt)
                case (State.PAID, "pack"):
                    order = advance(order, State.PACKED, clock)
                case (State.PACKED, "ship"):
                    shipments = await asyncio.gather(
                        *[ShipPackage().run(order.id, b) for b in range(1, boxes + 1)]
                    )
                    order = advance(order, State.SHIPPED, clock, f"{len(shipments)} boxes")
                    if all(s["delivered"] for s in shipments):
                        order = advance(order, State.DELIVERED, clock + timedelta(days=2))
                case (state, name) if state.terminal:
                    order.history.append(f"ignored {name} in {state}")
                case (state, name):
                    try:
                        order = advance(order, State.PACKED, clock, name)
                    except IllegalTransition as error:
                        order.history.append(str(error))
        return {
            "state": str(order.state),
            "terminal": order.state.terminal,
            "total": f"{order.total:.2f}",
            "history": order.history,
            "dump": order.model_dump(mode="json", exclude={"history", "placed"}),
        }


INPUTS = {
    "FulfilOrder": [
        {"order_id": "o1", "lines": [{"sku": "a", "qty": 2, "price": "9.99"}]},
        {"order_id": "o2", "lines": [{"sku": "b", "qty": 1, "price": "10.00"}], "boxes": 1},
        {"order_id": "o3", "lines": [{"sku": "c", "qty": 1, "price": "1500"}]},
        {"order_id": "o4", "lines": [{"sku": "d", "qty": 0, "price": "x"}]},
    ]
}
