"""An expense approval flow: policy checks decide who must approve, each approver's decision
is polled with durable sleeps until a deadline, a slow approval service is bounded with
asyncio.wait_for, and the outcome is escalated or paid."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, field_validator

from waymark import Workflow, action, workflow

POLLS: dict[str, int] = {}


def reset() -> None:
    POLLS.clear()


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Expense(BaseModel):
    id: str
    submitter: str
    amount: Decimal
    category: Literal["travel", "meals", "hardware", "other"]
    submitted_at: datetime

    @field_validator("submitter")
    @classmethod
    def normalise(cls, value: str) -> str:
        return value.strip().lower()


@dataclass
class Decision:
    approver: str
    status: Status
    note: str = ""

    @property
    def final(self) -> bool:
        return self.status is not Status.PENDING


class ApprovalError(Exception):
    pass


class SelfApproval(ApprovalError):
    pass


SCRIPT = {
    "mgr-ops": ["pending", "pending", "approved"],
    "cfo": ["pending", "rejected:over budget"],
    "mgr-eng": ["approved"],
}


@action
async def request_approval(expense_id: str, approver: str) -> str:
    return f"{expense_id}/{approver}"


@action
async def poll_decision(ticket: str) -> Decision:
    approver = ticket.split("/", 1)[1]
    count = POLLS[ticket] = POLLS.get(ticket, 0) + 1
    script = SCRIPT.get(approver, ["pending"])
    status, _, note = script[min(count, len(script)) - 1].partition(":")
    return Decision(approver, Status(status), note)


@action
async def risk_score(expense_id: str, amount: str) -> float:
    if expense_id.endswith("slow"):
        await asyncio.sleep(0.5)
    return round(math.log10(float(amount)) / 5, 3)


@action
async def pay_out(expense_id: str, amount: str) -> str:
    return f"paid {amount} for {expense_id}"


def approvers_for(expense: Expense, risk: float) -> list[str]:
    chain = ["mgr-eng" if expense.category == "hardware" else "mgr-ops"]
    if expense.amount >= 1_000 or risk > 0.6:
        chain.append("cfo")
    if expense.submitter in chain:
        raise SelfApproval(f"{expense.submitter} cannot approve their own expense")
    return chain


@workflow
class ApproveExpense(Workflow):
    async def wait_for_decision(self, ticket: str, deadline: datetime, now: datetime) -> Decision:
        interval = timedelta(minutes=30)
        while now < deadline:
            decision = await poll_decision(ticket)
            if decision.final:
                return decision
            await asyncio.sleep(interval.total_seconds() / 3600)
            now += interval
            interval = min(interval * 2, timedelta(hours=4))
        return Decision(ticket.rpartition("/")[2], Status.PENDING, "timed out")

    async def run(self, expense: Expense, hours: int = 48) -> dict[str, object]:
        try:
            risk = await asyncio.wait_for(risk_score(expense.id, str(expense.amount)), timeout=0.1)
        except TimeoutError:
            risk = 1.0
        try:
            chain = approvers_for(expense, risk)
        except ApprovalError as error:
            return {"status": "refused", "reason": str(error), "kind": type(error).__name__}
        deadline = expense.submitted_at + timedelta(hours=hours)
        tickets = await asyncio.gather(*(request_approval(expense.id, a) for a in chain))
        history: list[str] = []
        for ticket in tickets:
            decision = await self.wait_for_decision(ticket, deadline, expense.submitted_at)
            history.append(
                f"{decision.approver}={decision.status}{f' ({decision.note})' if decision.note else ''}"
            )
            match decision:
                case Decision(status=Status.REJECTED, note=note):
                    return {"status": "rejected", "reason": note or "no reason", "history": history}
                case Decision(status=Status.PENDING):
                    return {"status": "escalated", "history": history, "risk": risk}
        receipt = await pay_out(expense.id, f"{expense.amount:.2f}")
        return {"status": "paid", "receipt": receipt, "history": history, "risk": risk}


def _expense(id: str, amount: str, category: str, who: str = " Dana ") -> Expense:
    return Expense(
        id=id,
        submitter=who,
        amount=Decimal(amount),
        category=category,  # type: ignore[arg-type]
        submitted_at=datetime(2024, 5, 6, 9, 15),
    )


INPUTS = {
    "ApproveExpense": [
        {"expense": _expense("e1", "250.5", "hardware")},
        {"expense": _expense("e2", "1800", "travel")},
        {"expense": _expense("e3", "90", "meals"), "hours": 1},
        {"expense": _expense("e4-slow", "40", "meals")},
        {"expense": _expense("e5", "12", "hardware", who="MGR-ENG")},
    ]
}
