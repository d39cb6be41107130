"""Per-attempt timeouts: ActionTimeout, retried only when named; the action's own TimeoutError."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

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
async def calls(key: str) -> int:
    return CALLS.get(key, 0)


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


@workflow
class WaitForCaught(Workflow):
    """`asyncio.wait_for`: a plain `TimeoutError`, caught by its asyncio alias."""

    async def run(self) -> str:
        try:
            return await asyncio.wait_for(slow("e", 5), timeout=0.05)
        except asyncio.TimeoutError as error:  # noqa: UP041 (the alias users write)
            return f"{type(error).__name__}: {error!r} {str(error)!r} {isinstance(error, ActionTimeout)}"


@workflow
class WaitForNaN(Workflow):
    """A NaN timeout is due at once in asyncio: an action that suspends times out (one that
    returns without suspending finishes: `WaitForInTime`)."""

    async def run(self, limit: float) -> str:
        try:
            return await asyncio.wait_for(slow("n", 5), limit)
        except TimeoutError as error:
            return f"{type(error).__name__} {error!r}"


@workflow
class RunActionNaN(Workflow):
    """`run_action`'s NaN timeout is due at once too (`asyncio.timeout` when run as Python)."""

    async def run(self, limit: float) -> str:
        try:
            return await self.run_action(slow("m", 5), timeout=limit)
        except ActionTimeout as error:
            return f"{type(error).__name__} {error}"


@workflow
class WaitForInTime(Workflow):
    async def run(self, limit: float | None) -> list[str]:
        first = await asyncio.wait_for(slow("f", 0), limit)
        second = await asyncio.wait_for(slow("f", 0), timeout=limit and limit * 2)
        return [first, second]


@workflow
class WaitForGathered(Workflow):
    async def run(self) -> list[str]:
        outcomes = await asyncio.gather(
            asyncio.wait_for(slow("g", 5), 0.05),
            asyncio.wait_for(slow("h", 0), 5),
            *[asyncio.wait_for(slow(key, 5), 0.05) for key in ["i", "j"]],
            return_exceptions=True,
        )
        return [repr(outcome) for outcome in outcomes]


@workflow
class WaitForComputed(Workflow):
    """A computed timeout is checked as CPython's `wait_for` checks it: at 0 or less the call
    times out without running, a value that does not compare with 0 is a `TypeError`."""

    async def run(self, limit: Any) -> str:
        try:
            return await asyncio.wait_for(slow("k", 0), limit)
        except TimeoutError:
            return f"timed out, calls: {await calls('k')}"
        except TypeError as error:
            return f"TypeError: {error}"


@workflow
class WaitForUncaught(Workflow):
    async def run(self) -> str:
        return await asyncio.wait_for(slow("l", 5), 0.05)
