"""Per-attempt timeouts: ActionTimeout, retried only when named; the action's own TimeoutError."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from waymark import ActionTimeout, RetryPolicy, Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


@action
async def slow(key: str, fast_after: int) -> str:
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] <= fast_after:
        await asyncio.sleep(0.5)
    return f"{key} finished on call {CALLS[key]}"


@action
async def own_timeout() -> str:
    raise TimeoutError("the action's own timeout")


@workflow
class TimeoutCaught(Workflow):
    async def run(self) -> str:
        try:
            return await self.run_action(slow("a", 5), timeout=0.05)
        except ActionTimeout as error:
            return f"timed out: {error}"


@workflow
class TimeoutNotRetriedByDefault(Workflow):
    async def run(self) -> str:
        try:
            return await self.run_action(slow("b", 1), retry=RetryPolicy(attempts=3), timeout=0.05)
        except ActionTimeout:
            return "not retried"


@workflow
class TimeoutRetriedWhenNamed(Workflow):
    async def run(self) -> str:
        return await self.run_action(
            slow("c", 2),
            retry=RetryPolicy(attempts=3, exception_types=[ActionTimeout]),
            timeout=timedelta(milliseconds=50),
        )


@workflow
class OwnTimeoutErrorStays(Workflow):
    async def run(self) -> str:
        try:
            await self.run_action(own_timeout(), timeout=5)
        except ActionTimeout:
            return "wrongly an ActionTimeout"
        except TimeoutError as error:
            return f"own: {error}"
        return "no error"


@workflow
class TimeoutUncaught(Workflow):
    async def run(self) -> str:
        return await self.run_action(slow("d", 5), timeout=0.05)
