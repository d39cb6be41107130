"""run_action policies: attempts, exception types, exhausted budgets, backoff."""

from __future__ import annotations

import asyncio

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


def _count(key: str) -> int:
    CALLS[key] = CALLS.get(key, 0) + 1
    return CALLS[key]


class Transient(Exception):
    pass


class Permanent(Exception):
    pass


@action
async def flaky(key: str, failures: int) -> str:
    n = _count(key)
    if n <= failures:
        raise Transient(f"{key} attempt {n} failed")
    return f"{key} ok after {n}"


@action
async def always_fails(key: str) -> str:
    n = _count(key)
    raise Permanent(f"{key} failure {n}")


@action
async def calls_of(key: str) -> int:
    return CALLS.get(key, 0)


@workflow
class RetryUntilSuccess(Workflow):
    async def run(self, failures: int) -> list[object]:
        result = await self.run_action(flaky("a", failures), retry=RetryPolicy(attempts=4))
        calls = await calls_of("a")
        return [result, calls]


@workflow
class RetryBudgetExhausted(Workflow):
    async def run(self, failures: int) -> str:
        try:
            return await self.run_action(flaky("b", failures), retry=RetryPolicy(attempts=2))
        except Transient as error:
            calls = await calls_of("b")
            return f"gave up: {error} after {calls}"


@workflow
class RetryOnlyNamedTypes(Workflow):
    async def run(self) -> list[str]:
        out = []
        try:
            await self.run_action(
                always_fails("c"), retry=RetryPolicy(attempts=5, exception_types=[Transient])
            )
        except Permanent as error:
            out.append(f"not retried: {error}")
        try:
            await self.run_action(
                always_fails("d"), retry=RetryPolicy(attempts=3, exception_types=[Permanent])
            )
        except Permanent as error:
            out.append(f"retried: {error}")
        calls_c = await calls_of("c")
        calls_d = await calls_of("d")
        out.append(f"{calls_c}/{calls_d}")
        return out


@workflow
class BareActionRunsOnce(Workflow):
    async def run(self) -> str:
        try:
            await flaky("e", 1)
        except Transient as error:
            calls = await calls_of("e")
            return f"{error}; calls={calls}"
        return "unexpected"


@workflow
class RetryWithBackoff(Workflow):
    async def run(self, failures: int) -> str:
        return await self.run_action(
            flaky("f", failures),
            retry=RetryPolicy(attempts=5, exception_types=[Transient]),
            backoff=BackoffPolicy(base_delay=0.01, multiplier=2.0, max_delay=0.02),
        )


@workflow
class RetryFixedBackoffUncaught(Workflow):
    async def run(self) -> str:
        return await self.run_action(
            always_fails("g"), retry=RetryPolicy(attempts=3, backoff_seconds=0.01)
        )


@workflow
class RetriesInsideGather(Workflow):
    async def run(self, keys: list[str]) -> list[object]:
        results = await asyncio.gather(
            *[self.run_action(flaky(key, 2), retry=RetryPolicy(attempts=3)) for key in keys],
            self.run_action(flaky("solo", 1), retry=RetryPolicy(attempts=2)),
            return_exceptions=True,
        )
        return [str(r) for r in results]
