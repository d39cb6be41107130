"""A durable onboarding on `LocalRuntime`: reminders days apart on the virtual clock, a signal
with a model payload ending the waits, a wrong payload told apart, and abandonment."""

from __future__ import annotations

import pytest

import waymark
from tests.testing import onboarding_flows as flows
from waymark.testing import LocalRuntime


@pytest.fixture(autouse=True)
def empty_outbox() -> None:
    flows.OUTBOX.clear()


def form(plan: flows.Plan = flows.Plan.FREE) -> flows.SignupForm:
    return flows.SignupForm(user_id="u1", email="Ada@example.com", plan=plan)


async def test_a_user_who_never_verifies_gets_every_reminder_then_is_abandoned() -> None:
    async with LocalRuntime():
        result = await flows.VerifiedOnboarding().run(form(), reminders=2)
    assert result == {
        "status": "abandoned",
        "steps": ["sent welcome", "sent reminder-1", "sent reminder-2"],
    }
    assert [f"Ada@example.com:{t}" for t in ("welcome", "reminder-1", "reminder-2")] == flows.OUTBOX


async def test_a_verification_signal_ends_the_waits_and_provisions_the_plan() -> None:
    async with LocalRuntime():
        instance_id = await flows.VerifiedOnboarding().run(form(flows.Plan.TEAM), _blocking=False)
        payload = {"email": "ada@EXAMPLE.com", "via": "code"}
        await waymark.send_signal(instance_id, "verified", payload)
        result = await waymark.get_result(instance_id)
    assert result == {
        "status": "active",
        "steps": ["sent welcome", "u1 on team with 5 seat(s)"],
        "via": "code",
    }


async def test_a_verification_for_another_address_is_told_apart() -> None:
    async with LocalRuntime():
        instance_id = await flows.VerifiedOnboarding().run(form(), _blocking=False)
        await waymark.send_signal(instance_id, "verified", flows.Verified(email="bo@example.com"))
        result = await waymark.get_result(instance_id)
    assert result == {"status": "mismatch", "steps": ["sent welcome"], "got": "bo@example.com"}
