"""Lambdas passed straight to the user's own functions: a helper method, an async helper
method and a module function, each a closure over the method's variables (read when called)."""

from __future__ import annotations

from collections.abc import Callable

from waymark import Workflow, action, workflow


@action
async def base(k: int) -> int:
    return k


def apply_all(function: Callable[[int], int], xs: list[int]) -> list[int]:
    return [function(x) for x in xs]


def twice(function: Callable[[], int]) -> list[int]:
    return [function(), function()]


@workflow
class LambdaArguments(Workflow):
    def over(self, function: Callable[[int], int], xs: list[int]) -> list[int]:
        return sorted(xs, key=function)

    async def later(self, function: Callable[[int, int], int], a: int) -> int:
        b = await base(a)
        return function(a, b)

    async def run(self, k: int) -> list[object]:
        offset = await base(k)
        xs = [3, -1, 4, -5]
        first = apply_all(lambda x: x * offset, xs)
        near = self.over(lambda x: abs(x - offset), xs)
        counter = [0]
        pair = twice(lambda: counter.append(offset) or len(counter))
        offset = 10  # read when called: the lambdas below see 10
        total = await self.later(lambda a, b: a + b + offset, 2)
        default = apply_all(lambda x, scale=2: x * scale, xs)
        return [first, near, pair, counter, total, default]
