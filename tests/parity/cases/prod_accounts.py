"""Account lifecycle workflows: onboarding with durable waits between nudges, a subscription
state machine over an Enum, dunning with escalating retries, and a fraud score from helper
methods with default arguments."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum, IntEnum
from typing import Any, ClassVar

from pydantic import BaseModel

from waymark import ActionTimeout, RetryPolicy, Workflow, action, workflow

SENT: list[tuple[str, str]] = []
CALLS: dict[str, int] = {}


def reset() -> None:
    SENT.clear()
    CALLS.clear()


class Plan(Enum):
    FREE = "free"
    TEAM = "team"
    BUSINESS = "business"

    @property
    def seats(self) -> int:
        return {"free": 1, "team": 10, "business": 100}[self.value]


class SubState(IntEnum):
    TRIAL = 1
    ACTIVE = 2
    PAST_DUE = 3
    CANCELLED = 4


class NewUser(BaseModel):
    id: str
    email: str
    name: str
    plan: Plan = Plan.FREE
    referrer: str | None = None


class EmailBounced(Exception):
    def __init__(self, address: str, hard: bool) -> None:
        super().__init__(address, hard)
        self.address = address
        self.hard = hard


class CardError(Exception):
    pass


@action
async def send_email(to: str, template: str, context: dict[str, Any] | None = None) -> str:
    if to.startswith("bounce"):
        raise EmailBounced(to, hard=to.startswith("bounce-hard"))
    SENT.append((to, template))
    return f"msg-{len(SENT)}"


@action
async def has_completed_setup(user_id: str, day: int) -> bool:
    return user_id == "u-fast" or (user_id == "u-slow" and day >= 3)


@action
async def grant_credit(referrer: str, amount: int) -> int:
    return amount * 2 if referrer.endswith("vip") else amount


@action
async def try_charge(account: str, attempt: int) -> str:
    CALLS[account] = CALLS.get(account, 0) + 1
    if account == "slow":
        await asyncio.sleep(0.5)
    if account == "declines" or (account == "recovers" and attempt < 3):
        raise CardError(f"card declined ({account}, try {attempt})")
    return f"paid-{account}-{attempt}"


@workflow
class Onboarding(Workflow):
    NUDGES: ClassVar[tuple[str, ...]] = ("welcome", "day1-tips", "day3-checkin", "day7-last-call")

    async def run(self, user: NewUser) -> dict[str, Any]:
        timeline: list[str] = []
        try:
            await send_email(user.email, "welcome", {"name": user.name.split()[0]})
            timeline.append("welcomed")
        except EmailBounced as bounce:
            return {"status": "invalid-email", "hard": bounce.hard, "timeline": timeline}
        if user.referrer:
            credit = await grant_credit(user.referrer, 5 if user.plan is Plan.FREE else 20)
            timeline.append(f"credited {user.referrer} ${credit}")
        for day, template in zip((1, 3, 7), self.NUDGES[1:], strict=True):
            await asyncio.sleep(timedelta(days=1).total_seconds() * day)
            if await has_completed_setup(user.id, day):
                timeline.append(f"activated on day {day}")
                break
            await send_email(user.email, template)
            timeline.append(f"nudged {template}")
        else:
            timeline.append("never activated")
        return {"status": "done", "seats": user.plan.seats, "timeline": timeline}


@dataclass
class Subscription:
    account: str
    state: SubState = SubState.TRIAL
    renewals: int = 0
    history: list[str] = field(default_factory=list)

    def move(self, new: SubState, why: str) -> None:
        self.history.append(f"{self.state.name}->{new.name}: {why}")
        self.state = new


@workflow
class RenewSubscription(Workflow):
    async def run(self, account: str, periods: int = 3, max_attempts: int = 3) -> Subscription:
        sub = Subscription(account)
        sub.move(SubState.ACTIVE, "trial converted")
        while sub.state is not SubState.CANCELLED and sub.renewals < periods:
            attempt = 0
            while True:
                attempt += 1
                try:
                    receipt = await self.run_action(
                        try_charge(account, attempt),
                        timeout=timedelta(seconds=0.2),
                        retry=RetryPolicy(attempts=1),
                    )
                except CardError as exc:
                    if sub.state is SubState.ACTIVE:
                        sub.move(SubState.PAST_DUE, str(exc))
                    if attempt >= max_attempts:
                        sub.move(SubState.CANCELLED, f"gave up after {attempt} attempts")
                        break
                    await asyncio.sleep(2**attempt * 3600)
                    continue
                except ActionTimeout:
                    sub.move(SubState.CANCELLED, "payment provider timed out")
                    break
                if sub.state == SubState.PAST_DUE:
                    sub.move(SubState.ACTIVE, f"recovered with {receipt}")
                sub.renewals += 1
                break
        sub.history.append(f"final={sub.state.name.title()} ({int(sub.state)})")
        return sub


@workflow
class RenewThroughSlowProvider(RenewSubscription):
    """The same renewal, run where the provider answers after the attempt's deadline."""


@dataclass(frozen=True)
class Txn:
    id: str
    amount: float
    country: str
    card_age_days: int
    hour: int


@action
async def recent_txns(account: str) -> list[Txn]:
    return [
        Txn("t1", 12.0, "US", 400, 14),
        Txn("t2", 980.0, "US", 400, 3),
        Txn("t3", 2500.0, "NG", 2, 4),
        Txn("t4", 45.5, "FR", 30, 23),
        Txn("t5", 5.0, "US", 1, 12),
    ][: {"small": 2, "all": 5}.get(account, 0)]


@workflow
class FraudReview(Workflow):
    HIGH_RISK: ClassVar[frozenset[str]] = frozenset({"NG", "KP"})

    def amount_score(self, amount: float, *, cap: float = 1000.0, weight: float = 40) -> float:
        return weight * min(1.0, math.log10(max(amount, 1)) / math.log10(cap))

    def score(
        self, txn: Txn, night: range = range(0, 6), home: str = "US"
    ) -> tuple[float, list[str]]:
        reasons: list[str] = []
        total = self.amount_score(txn.amount)
        if txn.country != home:
            total += 25 if txn.country in self.HIGH_RISK else 10
            reasons.append(f"foreign:{txn.country}")
        if txn.hour in night:
            total += 15
            reasons.append("night")
        if (age := txn.card_age_days) < 7:
            total += 20 - age * 2
            reasons.append(f"new-card:{age}d")
        return round(total, 1), reasons

    async def run(self, account: str, threshold: float = 50) -> dict[str, Any]:
        txns = await recent_txns(account)
        if not txns:
            return {"account": account, "verdict": "no activity"}
        scored = {t.id: self.score(t) for t in txns}
        flagged = [tid for tid, (s, _) in scored.items() if s >= threshold]
        worst_id = max(scored, key=lambda tid: scored[tid][0])
        return {
            "account": account,
            "scores": {tid: s for tid, (s, _) in scored.items()},
            "flagged": flagged,
            "worst": f"{worst_id} ({scored[worst_id][0]:.1f}: {', '.join(scored[worst_id][1]) or 'none'})",
            "verdict": "block" if len(flagged) > 1 else "review" if flagged else "ok",
            "mean": round(sum(s for s, _ in scored.values()) / len(scored), 2),
            "weekday": (date(2024, 1, 1) + timedelta(days=len(txns))).strftime("%a %d %b"),
        }


INPUTS = {
    "Onboarding": [
        {
            "user": NewUser(
                id="u-fast", email="ada@example.com", name="Ada Lovelace", referrer="bob-vip"
            )
        },
        {"user": NewUser(id="u-slow", email="cy@example.com", name="Cy", plan=Plan.TEAM)},
        {
            "user": NewUser(
                id="u-never", email="di@example.com", name="Di", plan=Plan.BUSINESS, referrer="eve"
            )
        },
        {"user": NewUser(id="u-x", email="bounce-hard@example.com", name="X")},
    ]
}
