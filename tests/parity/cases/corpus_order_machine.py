"""Order state machine: events (dataclasses) are applied to an order with `match`, each
transition checked against the current state (an enum); illegal events are recorded, refunds
and cancellations call the payment provider, and the final state is summarised."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, auto

from waymark import Workflow, action, workflow


class State(Enum):
    NEW = auto()
    PAID = auto()
    SHIPPED = auto()
    DELIVERED = auto()
    CANCELLED = auto()
    REFUNDED = auto()


@dataclass(frozen=True)
class Pay:
    amount: int
    method: str = "card"


@dataclass(frozen=True)
class Ship:
    carrier: str
    tracking: str


@dataclass(frozen=True)
class Deliver:
    signed_by: str | None = None


@dataclass(frozen=True)
class Cancel:
    reason: str


@dataclass(frozen=True)
class Refund:
    amount: int
    items: tuple[str, ...] = ()


class PaymentDeclined(Exception):
    pass


@dataclass
class Order:
    id: str
    total: int
    state: State = State.NEW
    paid: int = 0
    history: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def move(self, to: State, note: str) -> None:
        self.history.append(f"{self.state.name}->{to.name}: {note}")
        self.state = to


@action
async def charge(order_id: str, amount: int, method: str) -> str:
    if method == "voucher" and amount > 50:
        raise PaymentDeclined(f"voucher limit exceeded by {amount - 50}")
    return f"ch_{order_id}_{amount}"


@action
async def refund(charge_id: str, amount: int) -> int:
    return amount


@action
async def load_events(stream: str) -> list[object]:
    streams: dict[str, list[object]] = {
        "happy": [Pay(120), Ship("ups", "1Z9"), Deliver("M. Ruiz")],
        "early_ship": [Ship("dhl", "D1"), Pay(120, "wire"), Ship("dhl", "D2"), Deliver()],
        "refund": [Pay(120), Ship("ups", "1Z1"), Deliver(), Refund(40, ("mug",)), Refund(90)],
        "declined": [Pay(120, "voucher"), Cancel("payment failed"), Pay(10)],
        "cancel": [Pay(120), Cancel("customer request"), Ship("ups", "X")],
        "odd": [Pay(0), "noise", Deliver(None)],
    }
    return streams[stream]


@workflow
class OrderLifecycle(Workflow):
    async def run(self, order_id: str, stream: str, total: int = 120) -> dict[str, object]:
        order = Order(order_id, total)
        charge_id: str | None = None
        refunded = 0
        for event in await load_events(stream):
            match (order.state, event):
                case (State.NEW, Pay(amount=amount, method=method)) if amount >= order.total:
                    try:
                        charge_id = await charge(order.id, amount, method)
                    except PaymentDeclined as error:
                        order.rejected.append(f"pay: {error}")
                        continue
                    order.paid = amount
                    order.move(State.PAID, f"{method} {amount}")
                case (State.NEW, Pay(amount=amount)):
                    order.rejected.append(f"underpaid {amount}/{order.total}")
                case (State.PAID, Ship(carrier, tracking)):
                    order.move(State.SHIPPED, f"{carrier.upper()} #{tracking}")
                case (State.SHIPPED, Deliver(signed_by=None)):
                    order.move(State.DELIVERED, "left at door")
                case (State.SHIPPED, Deliver(signed_by=name)):
                    order.move(State.DELIVERED, f"signed by {name}")
                case (State.NEW | State.PAID as state, Cancel(reason)):
                    if state is State.PAID and charge_id is not None:
                        refunded += await refund(charge_id, order.paid)
                    order.move(State.CANCELLED, reason)
                case (State.DELIVERED | State.REFUNDED, Refund(amount, items)):
                    if charge_id is None:
                        order.rejected.append("refund without charge")
                        continue
                    amount = min(amount, order.paid - refunded)
                    refunded += await refund(charge_id, amount)
                    what = ", ".join(items) or "all"
                    order.move(State.REFUNDED, f"{amount} for {what}")
                case (state, Pay() | Ship() | Deliver() | Cancel() | Refund() as ev):
                    order.rejected.append(f"{type(ev).__name__} in {state.name.lower()}")
                case (_, other):
                    order.rejected.append(f"unknown event {other!r}")
        return {
            "state": order.state.name,
            "history": order.history,
            "rejected": order.rejected,
            "refunded": refunded,
            "net": order.paid - refunded,
        }


INPUTS = {
    "OrderLifecycle": [
        {"order_id": "o1", "stream": "happy"},
        {"order_id": "o2", "stream": "early_ship"},
        {"order_id": "o3", "stream": "refund"},
        {"order_id": "o4", "stream": "declined"},
        {"order_id": "o5", "stream": "cancel"},
        {"order_id": "o6", "stream": "odd", "total": 0},
        {"order_id": "o7", "stream": "nope"},
    ]
}
