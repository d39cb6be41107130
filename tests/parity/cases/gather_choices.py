"""A conditional expression where one call is expected: a gather item
(`asyncio.gather(pay(x) if ok else reject(x), ...)`, `*[a(x) if x else b(x) for x in xs]`) and
the call `asyncio.wait_for` and `self.run_action` wrap. CPython evaluates the test, then only
the chosen branch's arguments (the other coroutine is never made); the log records each action
in the order it ran, and the failures compare which exception propagates."""

from __future__ import annotations

import asyncio

from tests.parity.cases.await_choices import refuse, reject
from tests.parity.cases.logged import LOG, log, reset
from waymark import RetryPolicy, Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def pay(n: int, note: str = "") -> str:
    LOG.append(f"pay({n}{note})")
    return f"paid {n}{note}"


async def review(n: int) -> str:
    first = await pay(n, note="?")
    return await (reject(n) if first.endswith("0?") else pay(n + 1))


async def noted(n: int) -> str:
    text = await pay(n, note="?")
    return text.title()


def amount(n: int) -> int:
    if n > 100:
        raise KeyError(n)
    return n * 10


@workflow
class GatherChoice(Workflow):
    async def enrich(self, n: int) -> str:
        text = await reject(n)
        return text.upper()

    async def run(self, n: int, xs: list[int]) -> list[object]:
        one = await asyncio.gather(pay(amount(n)) if n > 0 else reject(n), reject(1))
        two = await asyncio.gather(*[pay(x, note="!") if x > 1 else reject(x) for x in xs])
        helped = await asyncio.gather(*[self.enrich(x) if x % 2 else noted(x) for x in xs])
        three = await asyncio.gather(
            reject(2),
            pay(n) if n % 2 else review(n) if n else self.enrich(n),
            return_exceptions=True,
        )
        return [one, two, helped, three, await log()]


@workflow
class WrappedChoice(Workflow):
    async def run(self, n: int) -> list[object]:
        first = await asyncio.wait_for(pay(n) if n > 0 else reject(amount(n)), 5)
        second = await self.run_action(
            reject(n) if n > 1 else pay(n, note="r"), retry=RetryPolicy(attempts=2)
        )
        third = await asyncio.wait_for(timeout=3, fut=pay(1) if n else reject(1))
        return [first, second, third, await log()]


@workflow
class GatherChoiceFails(Workflow):
    async def run(self, n: int) -> list[object]:
        try:
            result: object = await asyncio.gather(
                pay(0), refuse(n) if n < 0 else pay(amount(n)), reject(n)
            )
        except (ValueError, KeyError) as error:
            result = f"caught {type(error).__name__} {error}"
        try:
            other: object = await asyncio.wait_for(refuse(n) if n < 5 else pay(n), 5)
        except ValueError as error:
            other = f"caught {error}"
        return [result, other, await log()]
