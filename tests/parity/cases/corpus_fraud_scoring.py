"""Fraud scoring for card payments: transactions as dataclasses, risk signals as an IntFlag,
a rule table scored with weights, velocity windows per card, and a decision enum with
ordering; borderline cases are sent to a manual review action and the rest settled."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from enum import IntEnum, IntFlag

from waymark import Workflow, action, workflow


class Signal(IntFlag):
    NONE = 0
    FOREIGN = 1
    NIGHT = 2
    VELOCITY = 4
    HIGH_AMOUNT = 8
    NEW_DEVICE = 16


class Decision(IntEnum):
    APPROVE = 0
    REVIEW = 1
    DECLINE = 2


WEIGHTS = {
    Signal.FOREIGN: 15,
    Signal.NIGHT: 5,
    Signal.VELOCITY: 30,
    Signal.HIGH_AMOUNT: 25,
    Signal.NEW_DEVICE: 20,
}


@dataclass(frozen=True, order=True)
class Txn:
    at: datetime
    card: str
    cents: int
    country: str = "DE"
    device: str = "known"


@dataclass
class Verdict:
    txn: Txn
    signals: Signal = Signal.NONE
    score: int = 0
    decision: Decision = Decision.APPROVE
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.score = sum(w for flag, w in WEIGHTS.items() if flag in self.signals)
        if self.score >= 50:
            self.decision = Decision.DECLINE
        elif self.score >= 25:
            self.decision = Decision.REVIEW


@action
async def recent(card: str) -> list[Txn]:
    start = datetime(2024, 5, 1, 23, 50)
    return [
        Txn(start + timedelta(minutes=4 * i), card, 500 * (i + 1), device="known") for i in range(3)
    ]


@action
async def manual_review(verdict: Verdict) -> bool:
    return verdict.txn.cents < 40_000


@action
async def settle(txns: list[Txn]) -> int:
    return sum(t.cents for t in txns)


def signals_for(txn: Txn, history: list[Txn]) -> Signal:
    found = Signal.NONE
    if txn.country != "DE":
        found |= Signal.FOREIGN
    if txn.at.hour >= 23 or txn.at.hour < 5:
        found |= Signal.NIGHT
    window = [h for h in history if timedelta(0) <= txn.at - h.at <= timedelta(minutes=15)]
    if len(window) >= 3:
        found |= Signal.VELOCITY
    if txn.cents > 3 * max((h.cents for h in history), default=txn.cents):
        found |= Signal.HIGH_AMOUNT
    if txn.device != "known":
        found |= Signal.NEW_DEVICE
    return found


@workflow
class ScorePayments(Workflow):
    async def run(self, batch: list[dict[str, object]]) -> dict[str, object]:
        txns = sorted(Txn(**row) for row in batch)
        verdicts: list[Verdict] = []
        histories: dict[str, list[Txn]] = {}
        for txn in txns:
            if txn.card not in histories:
                histories[txn.card] = await recent(txn.card)
            history = histories[txn.card]
            verdict = Verdict(txn, signals_for(txn, history))
            if verdict.decision == Decision.REVIEW:
                approved = await manual_review(verdict)
                verdict = replace(verdict, notes=[f"review: {'ok' if approved else 'rejected'}"])
                if not approved:
                    verdict.decision = max(verdict.decision, Decision.DECLINE)
            history.append(txn)
            verdicts.append(verdict)
        approved = [
            v.txn for v in verdicts if v.decision < Decision.REVIEW or v.notes == ["review: ok"]
        ]
        settled = await settle(approved) if approved else 0
        return {
            "settled": settled,
            "decisions": [(v.txn.card, v.decision.name, v.score, str(v.signals)) for v in verdicts],
            "flags": [repr(v.signals) for v in verdicts if v.signals],
            "worst": max(verdicts, key=lambda v: (v.score, v.txn.cents)).decision
            if verdicts
            else None,
            "first": asdict(verdicts[0]) if verdicts else {},
        }


INPUTS = {
    "ScorePayments": [
        {
            "batch": [
                {"at": datetime(2024, 5, 2, 0, 2), "card": "c1", "cents": 1200},
                {"at": datetime(2024, 5, 2, 0, 3), "card": "c1", "cents": 9900, "country": "FR"},
                {"at": datetime(2024, 5, 2, 12, 0), "card": "c2", "cents": 45_000, "device": "new"},
                {
                    "at": datetime(2024, 5, 2, 13, 0),
                    "card": "c2",
                    "cents": 20_000,
                    "country": "US",
                    "device": "x",
                },
            ]
        },
        {"batch": []},
    ]
}
