"""`await` inside expressions: every await runs when (and only when) CPython runs it, in
CPython's order. Each action appends to a log that the workflow returns, so the order of the
actions and the values around them are both compared."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import LOG, log, reset
from waymark import RetryPolicy, Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def f(n: int) -> int:
    LOG.append(f"f({n})")
    return n + 1


@action
async def is_active(n: int) -> bool:
    LOG.append(f"is_active({n})")
    return n > 0


@action
async def fetch(key: str) -> dict[str, object]:
    LOG.append(f"fetch({key})")
    return {"key": key, "items": [1, 2, 3]}


@action
async def notify(value: object) -> str:
    LOG.append(f"notify({value!r})")
    return "sent"


@action
async def fail(n: int) -> int:
    LOG.append(f"fail({n})")
    raise ValueError(f"failed {n}")


@workflow
class AwaitInArithmetic(Workflow):
    async def run(self, n: int) -> list[object]:
        a = n * await f(n - 1)
        b = await f(n) + await f(a) * 2
        c = -(await f(n) ** 2)
        d = (await f(1), await f(2))
        return [a, b, c, d, await log()]


@workflow
class AwaitInConditions(Workflow):
    async def run(self, n: int) -> list[object]:
        out = []
        if await is_active(n):
            out.append("first")
        elif await is_active(n + 2):
            out.append("second")
        elif not await is_active(n + 5):
            out.append("third")
        else:
            out.append("fourth")
        count = 0
        while await is_active(n) and count < 10:
            n -= 1
            count += 1
            if count == 2:
                continue
            out.append(n)
        return [out, count, await log()]


@workflow
class NestedAwaits(Workflow):
    async def run(self, key: str) -> list[object]:
        sent = await notify(await fetch(key))
        items = [await f(1), await f(2), *(await fetch(key))["items"]]
        table = {"x": await f(3), key: await f(4), **(await fetch("z"))}
        text = f"{key}:{await f(5)!r:>4}/{(await fetch(key))['key'].upper()}"
        call = max(await f(6), len(items), await f(0))
        length = len(await fetch(key + key))
        return [sent, items, table, text, call, length, await log()]


@workflow
class ShortCircuits(Workflow):
    async def run(self, ok: bool, x: int) -> list[object]:
        a = ok and await is_active(x)
        b = x or await f(x)
        c = (ok and x > 0 and await f(x)) or await f(-x)
        d = x if ok else await f(x)
        e = await f(x) if not ok else "skipped"
        g = (await is_active(x)) and "yes"
        return [a, b, c, d, e, g, await log()]


@workflow
class ChainedComparisons(Workflow):
    async def run(self, n: int) -> list[object]:
        a = 0 < n < await f(n)
        b = await f(n) < 5 <= await f(n + 5)
        c = n < 3 < await f(n) < 100 > n
        d = n != 2 == await is_active(n)
        return [a, b, c, d, await log()]


@workflow
class EvaluationOrder(Workflow):
    async def run(self, xs: list[int], i: int) -> list[object]:
        xs = list(xs)  # the inputs are shared by both runs
        before = xs[i] + await f(len(xs))
        xs.append(await f(i))
        pair = [len(xs), await f(len(xs))]
        total = 0
        total += await f(total) + await f(10)
        table: dict[int, int] = {}
        table[await f(1)] = len(table) + await f(2)
        return [before, xs, pair, total, table, await log()]


@workflow
class ErrorBeforeAwait(Workflow):
    async def run(self, xs: list[int], i: int) -> list[object]:
        try:
            value = xs[i] + await f(i)
        except IndexError:
            value = -1
        return [value, await log()]


@workflow
class AwaitsInTry(Workflow):
    async def run(self, n: int) -> object:
        try:
            return await f(n) + await fail(n) if n > 0 else await f(-n)
        except ValueError as error:
            return [str(error), await log()]


@workflow
class AwaitsInRaiseAndLoops(Workflow):
    async def run(self, n: int) -> list[object]:
        seen = []
        for item in (await fetch("k"))["items"]:
            seen.append(item * await f(item))
        try:
            raise ValueError(f"bad {await f(n)}")
        except ValueError as error:
            seen.append(str(error))
        match await f(n):
            case 1:
                seen.append("one")
            case other:
                seen.append(other)
        return [seen, await log()]


@workflow
class AwaitPolicyAndGather(Workflow):
    async def run(self, n: int) -> list[object]:
        retried = await self.run_action(f(await f(n)), retry=RetryPolicy(attempts=2))
        both = await asyncio.gather(f(await f(1)), f(2))
        return [retried, both, await log()]


@workflow
class AwaitInComprehensions(Workflow):
    """List, set and dict comprehensions that await: one item at a time in CPython's order
    (the log shows it), conditions that await, nested loops, a failure that stops the loop,
    loop variables that do not leak, `:=` of an awaited value."""

    async def run(self, xs: list[int]) -> list[object]:
        n = -100
        plus = [await f(n) for n in xs]
        active = [n for n in xs if n != 2 if await is_active(n)]
        table = {str(n): await f(n * 10) for n in xs if n > 0}
        pairs = [(a, await f(b)) for a in xs[:2] for b in range(a) if b != 1]
        seen = {await is_active(n) for n in xs}
        nested = {n: [await f(m) for m in range(n)] for n in xs[:2] if n >= 0}
        kept = [y for n in xs if (y := await f(n)) % 2 == 0]
        try:
            broken = [await fail(n) if n == 2 else await f(n) for n in xs]
        except Exception as error:
            broken = [type(error).__name__, str(error)]
        total = 1000 + sum([await f(n) for n in xs])
        return [n, plus, active, table, pairs, sorted(seen), nested, kept, y, broken, total,
                await log()]  # fmt: skip
