"""Compute two values of `number` in parallel, then summarize them in a third action."""

import asyncio
import math
from decimal import Decimal

from waymark import Workflow, action, workflow


@action
async def compute_factorial(n: int) -> int:
    return math.factorial(n)


@action
async def compute_fibonacci(n: int) -> int:
    previous, current = 0, 1
    for _ in range(n):
        previous, current = current, previous + current
    return previous


@action
async def summarize(*, n: int, factorial_value: int, fibonacci_value: int) -> str:
    # Decimal prints every digit: `str(int)` stops at 4,300 (sys.set_int_max_str_digits),
    # and 2000! has 5,736. The ints themselves travel between actions whole, at any size.
    return f"{n}! = {Decimal(factorial_value)}, fib({n}) = {Decimal(fibonacci_value)}"


@workflow
class ParallelMathWorkflow(Workflow):
    async def run(self, number: int) -> str:
        factorial_value, fibonacci_value = await asyncio.gather(
            compute_factorial(number),
            compute_fibonacci(number),
            return_exceptions=True,
        )
        return await summarize(
            n=number,
            factorial_value=factorial_value,
            fibonacci_value=fibonacci_value,
        )
