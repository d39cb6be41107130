"""An onboarding workflow as a product team writes it: a welcome email, then up to three
reminders days apart until the user verifies their address (a signal carrying a model), then
a plan-specific setup; used by `test_onboarding.py` on `LocalRuntime`'s virtual clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from enum import Enum

from pydantic import BaseModel

from waymark import SignalTimeout, Workflow, action, workflow

OUTBOX: list[str] = []


class Plan(Enum):
    FREE = "free"
    TEAM = "team"


class Verified(BaseModel):
    email: str
    via: str = "link"


class SignupForm(BaseModel):
    user_id: str
    email: str
    plan: Plan = Plan.FREE


@action
async def send(to: str, template: str) -> str:
    OUTBOX.append(f"{to}:{template}")
    return f"sent {template}"


@action
async def provision(user_id: str, plan: Plan, seats: int) -> str:
    return f"{user_id} on {plan.value} with {seats} seat(s)"


@workflow
class VerifiedOnboarding(Workflow):
    async def run(self, form: SignupForm, reminders: int = 3) -> dict[str, object]:
        steps = [await send(form.email, "welcome")]
        verified: Verified | None = None
        for attempt in range(reminders + 1):
            try:
                verified = await self.wait_for_signal(
                    "verified", Verified, timeout=timedelta(days=2)
                )
                break
            except SignalTimeout:
                if attempt == reminders:
                    break
                await asyncio.sleep(timedelta(hours=12).total_seconds())
                steps.append(await send(form.email, f"reminder-{attempt + 1}"))
        if verified is None:
            return {"status": "abandoned", "steps": steps}
        if verified.email.lower() != form.email.lower():
            return {"status": "mismatch", "steps": steps, "got": verified.email}
        seats = 5 if form.plan is Plan.TEAM else 1
        steps.append(await provision(form.user_id, form.plan, seats))
        return {"status": "active", "steps": steps, "via": verified.via}
