"""`await (a(x) if ok else b(x))`: an await of a conditional expression awaits what the chosen
branch made. CPython evaluates the test, then only that branch's call (the other coroutine is
never made), then awaits it. The log records each action, so the order and the calls not made
are compared too."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, log, reset
from waymark import RetryPolicy, Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def pay(n: int) -> str:
    LOG.append(f"pay({n})")
    return f"paid {n}"


@action
async def reject(n: int) -> str:
    LOG.append(f"reject({n})")
    return f"rejected {n}"


@action
async def approved(n: int) -> bool:
    LOG.append(f"approved({n})")
    return n > 0


@action
async def refuse(n: int) -> str:
    LOG.append(f"refuse({n})")
    raise ValueError(f"refused {n}")


async def review(n: int) -> str:
    first = await approved(n)
    return await (pay(n) if first else reject(n))


def amount(n: int) -> int:
    return n * 10


@workflow
class AwaitChoice(Workflow):
    async def run(self, n: int) -> list[object]:
        a = await (pay(amount(n)) if n > 0 else reject(amount(-n)))
        b = await (pay(n) if n > 5 else reject(n) if n > 0 else review(n))
        await (pay(0) if await approved(n) else reject(0))
        c = len(await (reject(await approved(n - 1)) if n % 2 else pay(n)))
        d = e = await (review(n) if n else asyncio.gather(pay(1), reject(2)))
        return [a, b, c, d, e == d, await log()]


@workflow
class AwaitChoiceInExpressions(Workflow):
    async def run(self, xs: list[int]) -> list[object]:
        texts = [await (pay(x) if x % 2 else reject(x)) for x in xs]
        label = f"{await (pay(len(xs)) if xs else reject(0))}!"
        found = await (
            self.run_action(pay(1), retry=RetryPolicy(attempts=2)) if len(xs) > 2 else reject(9)
        )
        picked = await (pay(y) if (y := len(xs) + 1) > 2 else reject(y))
        return [texts, label, found, picked, y, await log()]


@workflow
class AwaitChoiceFails(Workflow):
    async def run(self, n: int) -> list[object]:
        try:
            result: object = await (refuse(n) if n < 0 else pay(n))
        except ValueError as error:
            result = f"caught {error}"
        return [result, await log()]


async def settle(n: int) -> str:
    return await (pay(n) if n % 2 else asyncio.wait_for(reject(n), 5))


@workflow
class AwaitChoiceInStatements(Workflow):
    async def run(self, n: int) -> list[object]:
        totals: dict[str, int] = {"count": 0}
        while await (approved(n) if n > 2 else approved(n - 10)):
            n -= 1
            totals["count"] += len(await (pay(n) if n % 2 else reject(n)))
        match await ((pay if n else reject)(n) if n < 100 else pay(0)):
            case "paid 2":
                kind = "two"
            case other:
                kind = other
        kept = [x for x in range(n + 2) if await (approved(x - 1) if x else approved(0))]
        in_order = await log()
        settled = await asyncio.gather(*[settle(x) for x in (n, n + 1)], settle(7))
        return [totals, n, kind, kept, in_order, settled, sorted(await log())]  # gathered: at once
