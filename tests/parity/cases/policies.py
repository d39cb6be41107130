"""run_action policies computed from inputs and variables: `attempts` and `timeout` evaluated
when the action is dispatched (numbers, `timedelta`s, None), in loops and gathers, and
their errors."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from waymark import ActionTimeout, RetryPolicy, Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


class Transient(Exception):
    pass


@action
async def flaky(key: str, failures: int) -> str:
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] <= failures:
        raise Transient(f"{key} attempt {CALLS[key]} failed")
    return f"{key} ok after {CALLS[key]}"


@action
async def slow(key: str, seconds: float) -> str:
    CALLS[key] = CALLS.get(key, 0) + 1
    await asyncio.sleep(seconds)
    return f"{key} finished"


@workflow
class ComputedAttempts(Workflow):
    async def run(self, budget: int, failures: int) -> list[str]:
        out = []
        for extra in range(2):
            key = f"k{extra}"
            try:
                out.append(
                    await self.run_action(
                        flaky(key, failures), retry=RetryPolicy(attempts=budget + extra)
                    )
                )
            except Transient as error:
                out.append(f"gave up: {error}")
        both = await asyncio.gather(
            self.run_action(flaky("g1", failures), retry=RetryPolicy(attempts=budget)),
            self.run_action(flaky("g2", 1), retry=RetryPolicy(attempts=max(budget, 2))),
            return_exceptions=True,
        )
        return [*out, *[str(item) for item in both]]


@workflow
class ComputedTimeouts(Workflow):
    async def run(self, limit: float, as_timedelta: bool) -> list[str]:
        seconds = limit / 2
        timeout = timedelta(seconds=seconds) if as_timedelta else seconds
        out = []
        for key, takes in (("fast", 0.0), ("slow", 0.6)):
            try:
                out.append(await self.run_action(slow(key, takes), timeout=timeout))
            except ActionTimeout:
                out.append(f"{key} timed out")
        none = None
        out.append(await self.run_action(slow("untimed", 0.0), timeout=none))
        return out


@workflow
class ComputedPolicyErrors(Workflow):
    async def run(self, attempts: object, timeout: object) -> str:
        try:
            return await self.run_action(
                flaky("e", 0),
                retry=RetryPolicy(attempts=attempts),  # type: ignore[arg-type]
                timeout=timeout,  # type: ignore[arg-type]
            )
        except TypeError as error:
            return f"TypeError: {error}"
        except ValueError as error:
            return f"ValueError: {error}"
