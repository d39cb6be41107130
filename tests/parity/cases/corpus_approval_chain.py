"""Purchase request approval chain: the approvers needed follow from amount and category,
each is asked in turn with a durable reminder wait between rounds, answers are matched by
shape (approve, reject with reason, delegate), and the request ends approved, rejected or
expired with an audit trail."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from waymark import Workflow, action, workflow

Status = Literal["approved", "rejected", "expired"]
LIMITS = [(Decimal("500"), "manager"), (Decimal("5000"), "director"), (Decimal("50000"), "cfo")]
ASKED: dict[str, int] = {}


def reset() -> None:
    ASKED.clear()


class Escalate(Exception):
    pass


@dataclass
class Request:
    id: str
    amount: Decimal
    category: str
    opened: datetime
    trail: list[str] = field(default_factory=list)

    def log(self, at: datetime, text: str) -> None:
        self.trail.append(f"{at:%d %b %H:%M} {text}")


@action
async def ask(request_id: str, approver: str, round_: int) -> dict[str, Any] | None:
    ASKED[approver] = ASKED.get(approver, 0) + 1
    key = f"{request_id}/{approver}"
    script = {
        "R1/manager": [None, {"decision": "approve"}],
        "R1/director": [{"decision": "delegate", "to": "vp-ops"}],
        "R1/vp-ops": [{"decision": "approve", "note": "ok for Q3"}],
        "R2/manager": [{"decision": "reject", "reason": "no budget code"}],
        "R3/manager": [None, None, None],
        "R4/manager": [{"decision": "maybe"}],
    }
    answers = script.get(key, [{"decision": "approve"}])
    return answers[min(round_, len(answers) - 1)]


def chain_for(amount: Decimal, category: str) -> list[str]:
    chain = [role for limit, role in LIMITS if amount > limit / 10]
    if category in {"hardware", "travel"} and "manager" not in chain:
        chain.insert(0, "manager")
    return chain or ["team-lead"]


@workflow
class ApprovePurchase(Workflow):
    async def run(
        self, request_id: str, amount: str, category: str, *, rounds: int = 2, wait_hours: int = 24
    ) -> dict[str, object]:
        now = datetime(2024, 7, 1, 9, 0)
        req = Request(request_id, Decimal(amount), category, now)
        status: Status = "approved"
        queue = chain_for(req.amount, category)
        req.log(now, f"needs {', '.join(queue)}")
        while queue:
            approver = queue.pop(0)
            for round_ in range(rounds):
                answer = await ask(req.id, approver, round_)
                match answer:
                    case None:
                        await asyncio.sleep(wait_hours * 3600)
                        now += timedelta(hours=wait_hours)
                        req.log(now, f"reminded {approver}")
                        continue
                    case {"decision": "approve", **rest}:
                        req.log(
                            now, f"{approver} approved" + (f" ({rest['note']})" if rest else "")
                        )
                    case {"decision": "reject", "reason": str(reason)}:
                        req.log(now, f"{approver} rejected: {reason}")
                        status = "rejected"
                    case {"decision": "delegate", "to": delegate}:
                        req.log(now, f"{approver} delegated to {delegate}")
                        queue.insert(0, delegate)
                    case other:
                        raise Escalate(f"unreadable answer from {approver}: {other!r}")
                break
            else:
                status = "expired"
            if status != "approved":
                break
        elapsed = now - req.opened
        return {
            "status": status,
            "trail": req.trail,
            "hours": elapsed.total_seconds() / 3600,
            "elapsed": str(elapsed),
            "left": queue,
        }


INPUTS = {
    "ApprovePurchase": [
        {"request_id": "R1", "amount": "7200.00", "category": "software"},
        {"request_id": "R2", "amount": "120", "category": "hardware"},
        {"request_id": "R3", "amount": "800", "category": "travel", "rounds": 3, "wait_hours": 8},
        {"request_id": "R4", "amount": "100", "category": "travel"},
        {"request_id": "R5", "amount": "10", "category": "office"},
    ]
}
