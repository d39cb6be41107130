"""Workflows and actions of the observability tests (logs, tracebacks, exception values).

Worker processes import this module by name (`WAYMARK_USER_MODULE=tests.runtime.observe_flows`).
"""

from __future__ import annotations

import logging

from pydantic import BaseModel

from waymark import RetryPolicy, Workflow, action, workflow

log = logging.getLogger("observe_flows")


class QuotaExceeded(Exception):
    """A user exception whose `__init__` takes other arguments than its message."""

    def __init__(self, user: str, limit: int) -> None:
        super().__init__(f"{user} is over its quota of {limit}")
        self.user = user
        self.limit = limit


class Order(BaseModel):
    id: int
    amount: float


def _explode(reason: str) -> None:
    raise ValueError(f"exploded: {reason}")


@action
async def flaky(reason: str) -> str:
    log.info("about to fail: %s", reason)
    _explode(reason)
    return reason


@action
async def parse_order(payload: dict[str, object]) -> Order:
    return Order.model_validate(payload)


@action
async def over_quota(user: str) -> str:
    raise QuotaExceeded(user, 5)


@action
async def describe_failure(error: Exception) -> str:
    return f"{type(error).__name__}: {error} ({getattr(error, 'user', None)})"


@workflow
class Exploding(Workflow):
    async def run(self, reason: str) -> str:
        return await self.run_action(flaky(reason), retry=RetryPolicy(attempts=2))


@workflow
class ParseOrder(Workflow):
    async def run(self, payload: dict[str, object]) -> Order:
        return await parse_order(payload)


@workflow
class OverQuota(Workflow):
    async def run(self, user: str) -> str:
        return await over_quota(user)


@workflow
class DescribeQuota(Workflow):
    async def run(self, user: str) -> str:
        try:
            return await over_quota(user)
        except QuotaExceeded as err:
            return await describe_failure(err)
