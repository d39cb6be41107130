"""Values at the edge of what storage takes: strings with NUL or surrogates and ints too long
for decimal text, as inputs, arguments, results, dict keys, exception messages and literals."""

from __future__ import annotations

import asyncio
import math
from decimal import Decimal

from waymark import Workflow, action, workflow


@action
async def echo(text: str) -> str:
    return text


@action
async def keyed(text: str) -> dict[str, int]:
    return {text: len(text), "plain": 0}


@action
async def refuse(text: str) -> str:
    raise ValueError(f"refused {text}")


@action
async def factorial(n: int) -> int:
    return math.factorial(n)


@action
async def halve(value: int) -> int:
    return value // 2


@action
async def add(a: int, b: int) -> int:
    return a + b


@workflow
class OddStrings(Workflow):
    async def run(self, text: str) -> list[object]:
        marker = "\x00\udc80"
        back = await echo(text + marker)
        table = await keyed(back)
        try:
            await refuse(back)
        except ValueError as error:
            message = str(error)
        return [back, table, message, len(back), back == text + marker]


@workflow
class BigInts(Workflow):
    """The workflow passes long ints on and compares them; the arithmetic is the actions'
    (the interpreter's own is bounded by WAYMARK_MAX_INT_DIGITS)."""

    async def run(self, n: int, offset: int = 0) -> list[object]:
        value, other = await asyncio.gather(factorial(n), factorial(n + 1))
        half = await halve(value)
        total = await add(value, offset)
        return [value, other, half, total, {"offset": offset}, value > half, total >= value]


@action
async def described(amount: float, counts: list[float], flag: int, price: Decimal) -> str:
    return f"{amount} {counts} {flag} {price} {amount / 2}"


@workflow
class NumbersAsGiven(Workflow):
    """An int passed for a `float` (and a bool for an `int`, an int for a `Decimal`) stays as
    Python passes it, in `run()`'s inputs and in an action's arguments: its text is the same."""

    async def run(
        self, amount: float, counts: list[float], flag: int, price: Decimal
    ) -> list[object]:
        text = await described(amount * 2, [*counts, 4], flag, price)
        back = await described(amount=3, counts=[2.0, 1], flag=False, price=price)
        return [f"{amount} {counts} {flag} {price}", text, back, amount, counts, flag]
