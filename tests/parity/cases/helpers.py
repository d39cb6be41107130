"""Helper methods: synchronous helpers inline, async helpers with actions, recursion."""

# Workflow bodies are written the way the compiler accepts them (no `raise from`, no `strict=`).
# ruff: noqa: B905

from __future__ import annotations

import asyncio

from waymark import RetryPolicy, Workflow, action, workflow


@action
async def fetch_price(item: str) -> int:
    return len(item) * 10


@action
async def fail_for(item: str) -> int:
    raise LookupError(f"no price for {item}")


@workflow
class SyncHelpers(Workflow):
    async def run(self, items: list[str]) -> dict[str, object]:
        prices = await asyncio.gather(*[fetch_price(i) for i in items])
        return {
            "total": self.total(prices),
            "discounted": self.discount(self.total(prices), rate=0.1),
            "labels": self.labels(items, prices),
        }

    def total(self, values: list[int]) -> int:
        result = 0
        for value in values:
            result += value
        return result

    def discount(self, amount: int, rate: float = 0.2) -> float:
        if amount > 50:
            return round(amount * (1 - rate), 2)
        return float(amount)

    def labels(self, items: list[str], prices: list[int]) -> list[str]:
        return [f"{item}:{price}" for item, price in zip(items, prices)]


@workflow
class AsyncHelpers(Workflow):
    async def run(self, items: list[str]) -> list[int]:
        out = []
        for item in items:
            price = await self.price_with_tax(item)
            out.append(price)
        cheapest = await self.cheapest(items)
        out.append(cheapest)
        return out

    async def price_with_tax(self, item: str) -> int:
        price = await fetch_price(item)
        return price + self.tax(price)

    def tax(self, price: int) -> int:
        return price // 10

    async def cheapest(self, items: list[str]) -> int:
        prices = await asyncio.gather(*[fetch_price(i) for i in items])
        return min(prices) if prices else 0


@workflow
class RecursiveHelpers(Workflow):
    async def run(self, n: int) -> list[int]:
        base = await fetch_price("abc")
        counted = await self.countdown(n, base)
        return [self.fib(n), counted]

    def fib(self, n: int) -> int:
        if n < 2:
            return n
        return self.fib(n - 1) + self.fib(n - 2)

    async def countdown(self, n: int, acc: int) -> int:
        if n <= 0:
            return acc
        step = await fetch_price("x" * n)
        return await self.countdown(n - 1, acc + step)


@workflow
class HelperExceptions(Workflow):
    async def run(self, item: str) -> list[str]:
        out = []
        try:
            await self.lookup(item)
        except LookupError as error:
            out.append(f"from async helper: {error}")
        try:
            self.check(item)
        except ValueError as error:
            out.append(f"from sync helper: {error}")
        guarded = await self.guarded(item)
        out.append(str(guarded))
        return out

    async def lookup(self, item: str) -> int:
        return await self.run_action(fail_for(item), retry=RetryPolicy(attempts=2))

    def check(self, item: str) -> None:
        if len(item) < 5:
            raise ValueError(f"{item} is too short")

    async def guarded(self, item: str) -> int:
        try:
            return await fail_for(item)
        except LookupError:
            return -1


@workflow
class HelperDefaultsAndKeywords(Workflow):
    async def run(self, item: str) -> list[object]:
        priced = await self.priced(item=item)
        return [self.fmt(item), self.fmt(item, width=6), self.fmt(width=3, item=item), priced]

    def fmt(self, item: str, width: int = 10, fill: str = ".") -> str:
        return item.ljust(width, fill)

    async def priced(self, item: str, markup: int = 5) -> int:
        price = await fetch_price(item)
        return price + markup


@workflow
class StaticHelpers(Workflow):
    """`@staticmethod` helpers, sync and async, called through `self` and through the class."""

    async def run(self, values: list[int]) -> list[object]:
        doubled = [self.twice(v) for v in values]
        total = StaticHelpers.total(doubled, start=1)
        awaited = await self.fetch_all(values)
        return [doubled, total, awaited]

    @staticmethod
    def twice(n: int) -> int:
        return n * 2

    @staticmethod
    def total(items: list[int], *, start: int = 0) -> int:
        return sum(items, start)

    @staticmethod
    async def fetch_all(values: list[int]) -> list[int]:
        return list(await asyncio.gather(*[fetch_price(str(v)) for v in values]))
