"""Inventory reservation as a saga: reserve stock in each warehouse, charge the card, book
the courier; when a step fails, the completed steps are compensated in reverse order, and
the failure is reported with the compensation log. Uses try/except/else/finally, a stack of
undo records and exception groups of compensation errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, auto

from waymark import Workflow, action, workflow


class Step(Enum):
    RESERVE = auto()
    CHARGE = auto()
    SHIP = auto()


class SagaFailed(Exception):
    def __init__(self, step: Step, reason: str, undone: list[str]) -> None:
        super().__init__(f"{step.name.lower()} failed: {reason}")
        self.step = step
        self.undone = undone


class OutOfStock(Exception):
    pass


class CardDeclined(Exception):
    pass


@dataclass(frozen=True)
class Undo:
    step: Step
    ref: str


@dataclass
class Ledger:
    undo: list[Undo] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def push(self, step: Step, ref: str) -> None:
        self.undo.append(Undo(step, ref))
        self.log.append(f"+{step.name}:{ref}")


@action
async def reserve(warehouse: str, sku: str, qty: int) -> str:
    if qty > {"berlin": 5, "paris": 50}.get(warehouse, 0):
        raise OutOfStock(f"{warehouse} has too few {sku}")
    return f"R-{warehouse[:3]}-{sku}-{qty}"


@action
async def release(ref: str) -> None:
    if ref.endswith("-13"):
        raise RuntimeError(f"release {ref} timed out")


@action
async def charge(card: str, cents: int) -> str:
    if card.startswith("4000"):
        raise CardDeclined("insufficient funds")
    return f"CH-{cents}"


@action
async def refund(ref: str) -> None:
    return None


@action
async def book_courier(address: str) -> str:
    if not address.strip():
        raise ValueError("empty address")
    return "C-" + "".join(w[0] for w in address.upper().split())


@workflow
class PlaceOrder(Workflow):
    async def run(
        self, items: dict[str, int], card: str, address: str, unit_cents: int = 250
    ) -> dict[str, object]:
        ledger = Ledger()
        step = Step.RESERVE
        try:
            for sku, qty in items.items():
                try:
                    ref = await reserve("berlin", sku, qty)
                except OutOfStock:
                    ref = await reserve("paris", sku, qty)
                ledger.push(Step.RESERVE, ref)
            step = Step.CHARGE
            total = sum(items.values()) * unit_cents
            ledger.push(step, await charge(card, total))
            step = Step.SHIP
            tracking = await book_courier(address)
        except (OutOfStock, CardDeclined, ValueError) as error:
            undone: list[str] = []
            problems: list[Exception] = []
            while ledger.undo:
                record = ledger.undo.pop()
                try:
                    if record.step is Step.CHARGE:
                        await refund(record.ref)
                    else:
                        await release(record.ref)
                except RuntimeError as problem:
                    problems.append(problem)
                else:
                    undone.append(record.ref)
                finally:
                    ledger.log.append(f"-{record.step.name}:{record.ref}")
            failure = SagaFailed(step, str(error), undone)
            if problems:
                return {
                    "status": "stuck",
                    "error": str(failure),
                    "problems": [str(p) for p in problems],
                    "log": ledger.log,
                }
            return {"status": "rolled back", "error": str(failure), "undone": failure.undone}
        else:
            return {"status": "placed", "tracking": tracking, "log": ledger.log}
        finally:
            ledger.log.append("done")


INPUTS = {
    "PlaceOrder": [
        {"items": {"mug": 2, "tee": 9}, "card": "4242", "address": "1 main st"},
        {"items": {"mug": 2, "tee": 90}, "card": "4242", "address": "x"},
        {"items": {"mug": 3}, "card": "4000-1", "address": "x"},
        {"items": {"mug": 13}, "card": "4242", "address": "  "},
        {"items": {}, "card": "4242", "address": "a b"},
    ]
}
