"""Functions defined inside `run()` and helpers (and lambdas assigned to a name): closures over the method's variables (read
when called, lists shared), recursion, local functions calling each other, async local
functions awaited and gathered, a local function as a `key=`, and their errors."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def price(sku: str) -> float:
    await asyncio.sleep(0.001 * len(sku))
    return len(sku) * 1.5


@workflow
class Closures(Workflow):
    async def run(self, skus: list[str], rate: float) -> list[object]:
        seen: list[float] = []

        def fmt(x: float) -> str:
            seen.append(x)
            return f"{x * rate:.2f}"

        def label(s: str, n: int = 2) -> str:
            return s.upper()[:n] + fmt(len(s))

        def first(s: str) -> str:
            return s[-1:]

        def fact(n: int) -> int:
            return 1 if n <= 1 else n * fact(n - 1)

        scale = lambda x: x * rate  # noqa: E731
        by_length = lambda s: (len(s), s)  # noqa: E731

        before = fmt(1.0)
        rate = rate * 2  # read again by the next call, as a closure reads it
        after = fmt(1.0)
        if skus:

            def last(s: str) -> str:
                return s[len(s) - 1]

            ends = [last(s) for s in skus]
        else:
            ends = []
        return [before, after, seen, sorted(skus, key=first), fact(6), ends,
                [label(s, 1) for s in skus], scale(3), sorted(skus, key=by_length),
                max(skus, key=by_length, default=None)]  # fmt: skip


@workflow
class AsyncLocals(Workflow):
    async def run(self, skus: list[str]) -> list[object]:
        total = 0.0
        log: list[str] = []

        async def one(s: str) -> str:
            p = await price(s)
            log.append(s)
            return f"{s}={p + total}"

        async def both(s: str) -> list[str]:
            return [await one(s), await one(s + s)]

        first = await one(skus[0]) if skus else None
        total = 100.0
        gathered = await asyncio.gather(*[one(s) for s in skus])
        nested = await both("ab")
        return [first, gathered, nested, sorted(log)]


@workflow
class LocalErrors(Workflow):
    async def run(self, case: str) -> str:
        def check(n: int) -> int:
            if n < 0:
                raise ValueError(f"negative: {n}")
            return n

        def deep(n: int) -> int:
            return deep(n + 1) if n < 50 else check(-n)

        try:
            if case == "raise":
                check(-1)
            elif case == "deep":
                deep(0)
            elif case == "type":
                check("x")  # type: ignore[arg-type]
            return "no error"
        except (ValueError, TypeError) as error:
            return f"{type(error).__name__}: {error}"


@workflow
class InHelpers(Workflow):
    async def run(self, words: list[str]) -> list[str]:
        return [self.shout(w) for w in words]

    def shout(self, word: str) -> str:
        marks = "!" * len(word)

        def loud(w: str) -> str:
            return w.upper() + marks

        return loud(word)


@workflow
class LateBinding(Workflow):
    """A generator expression (and `map`/`filter` with a lambda, a local function called in one)
    reads the enclosing variables when it is consumed, not when it is made, as CPython's
    closures do; only its first iterable is read at once."""

    async def run(self, limit: int) -> list[object]:
        k = 2

        def scale(x: int) -> int:
            return x * k

        doubled = (x * k for x in range(3))
        below = (x for x in range(10) if x < limit)
        xs, ys = [1, 2], [10, 20]
        pairs = (x + y for x in xs for y in ys)
        mapped = map(lambda v: v * k, xs)
        scaled = (scale(x) for x in xs)
        stepping = (i + k for i in range(4))
        first = next(stepping)
        k, limit, ys = 10, 3, [100, 200]
        await asyncio.sleep(0)
        return [list(doubled), sum(below), list(pairs), list(mapped), list(scaled),
                [first, next(stepping)], [[x + k for x in range(2)] for _ in range(2)]]  # fmt: skip
