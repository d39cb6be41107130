"""Unnamed lambdas kept as values: in a dict or a tuple, returned by a method or a module
function, passed on. As in CPython, each reads the method's variables when it runs (late
binding), across awaits; a lambda's constant default is kept."""

from __future__ import annotations

from collections.abc import Callable

from tests.parity.cases.closure_cells import apply, tick
from waymark import Workflow, workflow


def multiplier(k: int) -> Callable[[int], int]:
    return lambda x: x * k


@workflow
class LambdaValues(Workflow):
    async def run(self, k: int) -> list[object]:
        handlers = {"add": lambda x: x + k, "sub": lambda x: x - k}
        pair = (lambda: k, lambda step=3: step + k)

        def shifted(x: int, by: int = k) -> int:  # the default: `k` where the `def` runs
            return x + by

        first = [handlers["add"](1), pair[0](), pair[1](), shifted(1)]
        k = k * 10
        await tick(1)
        offset = self.offset(k)
        later = [handlers["add"](1), handlers["sub"](1), pair[0](), pair[1](), shifted(1)]
        passed = [apply(multiplier(3), 4), apply(handlers["sub"], 2), offset(1)]
        return [first, later, passed, sorted([3, 1, 2], key=lambda x: -handlers["sub"](x))]

    def offset(self, k: int) -> Callable[[int], int]:
        return lambda x: x + k
