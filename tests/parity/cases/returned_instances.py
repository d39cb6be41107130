"""Instances of a plain class returned by code other than a constructor call in the workflow:
a `@classmethod` factory, a `@staticmethod`, a cached module function, an enum member's
method and a property Python computes (it calls `super()`); each is a plain-instance value the
workflow changes, calls methods on and tests, as Python does. The cached function's result is
not changed: in Python it is one object shared by every later call in the process, so a change
would show in the next run's answer."""

from __future__ import annotations

import enum
import functools

from waymark import Workflow, action, workflow


class Quota:
    def __init__(self, per_day: int) -> None:
        self.per_day = per_day

    @classmethod
    def parse(cls, text: str) -> Quota:
        return cls(int(text))

    @staticmethod
    def unlimited() -> Quota:
        return Quota(10**6)

    def raised(self, by: int) -> Quota:
        return Quota(self.per_day + by)


class Tier(enum.Enum):
    FREE = "free"
    PRO = "pro"

    def quota(self) -> Quota:
        return Quota({"free": 10, "pro": 100}[self.value])


class BaseAccount:
    def __init__(self, seats: int) -> None:
        self.seats = seats

    @property
    def quota(self) -> Quota:
        return Quota(self.seats * 5)


class TeamAccount(BaseAccount):
    @property
    def quota(self) -> Quota:
        return Quota(super().quota.per_day * 2)


@functools.cache
def trial_quota() -> Quota:
    return Quota(3)


@action
async def load_plan(account: str) -> dict[str, str]:
    return {"tier": "pro" if account.startswith("acme") else "free", "override": "250"}


@workflow
class GrantQuota(Workflow):
    async def run(self, account: str, source: str) -> list[object]:
        plan = await load_plan(account)
        if source == "override":
            quota = Quota.parse(plan["override"])
        elif source == "tier":
            quota = Tier(plan["tier"]).quota()
        elif source == "team":
            quota = TeamAccount(4).quota
        elif source == "trial":
            quota = trial_quota()
        else:
            quota = Quota.unlimited()
        bigger = quota.raised(5)
        if source != "trial":  # a cached result is one object for the process: leave it be
            quota.per_day += 1
        return [quota.per_day, bigger.per_day, type(quota).__name__, isinstance(bigger, Quota)]
