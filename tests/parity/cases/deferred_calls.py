"""A call made now and awaited later: a stored coroutine (`c = pay(x)` ... `r = await c`) and a
task awaited before anything else is (`t = asyncio.create_task(pay(x))` ... `r = await t`).
CPython evaluates the arguments where the call is made and runs it at the `await`; the log
compares the order of the actions, and the failures which exception propagates and where."""

from __future__ import annotations

import asyncio

from tests.parity.cases.await_choices import pay, refuse, reject
from tests.parity.cases.logged import log, reset
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


def amount(n: int) -> int:
    if n > 100:
        raise KeyError(n)
    return n * 10


async def review(n: int) -> str:
    first = await reject(n)
    return first.upper()


@workflow
class StoredCoroutine(Workflow):
    async def check(self, n: int) -> str:
        return await pay(n + 1)

    async def run(self, n: int) -> list[object]:
        sizes = [1]
        later = pay(len(sizes))
        sizes.append(2)
        first = await reject(len(sizes))
        helper = review(amount(n))
        method = self.check(n)
        second = await later
        third = await method
        fourth = await helper
        return [first, second, fourth, third, await log()]


@workflow
class AwaitedTasks(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        out: list[object] = []
        for x in xs:
            task = asyncio.ensure_future(pay(amount(x)))
            out.append(x * 2)
            done = await task
            out.append(done)
        if not xs:
            ensured = asyncio.ensure_future(reject(0))
            last = await ensured
            return [out, last, await log()]
        helped = asyncio.create_task(review(len(xs)))
        out.append(len(out))
        last = await helped
        return [out, last, await log()]


@workflow
class DeferredFails(Workflow):
    async def run(self, n: int) -> list[object]:
        try:
            task = asyncio.ensure_future(refuse(n))
            result: object = await task
        except ValueError as error:
            result = f"caught {error}"
        try:
            made = pay(amount(n))
            started = asyncio.create_task(review(n))
            await started
            await reject(n)
            other: object = await made
        except KeyError as error:
            other = f"caught key {error}"
        keyed = pay(len(await reject(n)))
        await reject(0)
        ensured = asyncio.ensure_future(pay(len(await reject(1))))
        second = await ensured
        first = await keyed
        return [result, other, first, second, await log()]
