"""Workflows that call child workflows: recursion, fan-out, failures caught by class, mixed
gathers, mutual recursion, detached children, cancellation and the depth limit."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


class OddInput(ValueError):
    pass


@action
async def double(x: int) -> int:
    return 2 * x


@action
async def park(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "parked"


@workflow
class Factorial(Workflow):
    async def run(self, n: int) -> int:
        if n <= 1:
            return 1
        rest = await Factorial().run(n=n - 1)
        return n * rest


@workflow
class EvenOnly(Workflow):
    async def run(self, n: int) -> int:
        if n % 2:
            raise OddInput(f"odd {n}")
        return await double(n)


@workflow
class FanOut(Workflow):
    async def run(self, ns: list[int]) -> list[object]:
        results = await asyncio.gather(
            *[EvenOnly().run(n=n) for n in ns], double(100), return_exceptions=True
        )
        return [r if isinstance(r, int) else f"{r!r}" for r in results]


@workflow
class CatchChild(Workflow):
    async def run(self, n: int) -> str:
        try:
            value = await EvenOnly().run(n=n)
        except ValueError as error:  # OddInput by its base class
            return f"caught {error!r}"
        return f"got {value}"


@workflow
class Mixed(Workflow):
    async def run(self, n: int) -> list[int]:
        a, b, c = await asyncio.gather(Factorial().run(n=n), double(n), EvenOnly().run(n=2 * n))
        return [a, b, c]


@workflow
class IsEven(Workflow):
    async def run(self, n: int) -> bool:
        if n == 0:
            return True
        odd = await IsOdd().run(n=n - 1)
        return odd


@workflow
class IsOdd(Workflow):
    async def run(self, n: int) -> bool:
        if n == 0:
            return False
        even = await IsEven().run(n=n - 1)
        return even


@workflow
class Fib(Workflow):
    """Inputs by position, as a recursive function is written."""

    async def run(self, n: int) -> int:
        if n < 2:
            return n
        a, b = await asyncio.gather(Fib().run(n - 1), Fib().run(n - 2))
        return await double(a + b) // 2


@workflow
class Label(Workflow):
    async def run(self, prefix: str, n: int, sep: str = "-", upper: bool = False) -> str:
        text = f"{prefix}{sep}{n}"
        return text.upper() if upper else text


@workflow
class LabelOnce(Label):
    """Inherits `run()`: a positional input binds to the base class's parameter names."""


@workflow
class Labels(Workflow):
    async def run(self, n: int) -> list[str]:
        first = await Label().run("a", n)
        second = await Label().run("b", n, "+", upper=True)
        third = await LabelOnce().run("c", n, sep=":")
        spread = await asyncio.gather(*[Label().run(p, i) for i, p in enumerate("xy")])
        return [first, second, third, *spread]


@workflow
class Detach(Workflow):
    async def run(self, n: int) -> int:
        child_id = await Factorial().run(n=n, _blocking=False)
        return len(child_id)


@workflow
class Parks(Workflow):
    async def run(self, seconds: float) -> str:
        return await park(seconds)


@workflow
class ParentOfParks(Workflow):
    async def run(self, seconds: float) -> list[str]:
        return await asyncio.gather(Parks().run(seconds=seconds), Parks().run(seconds=seconds))


@workflow
class Forever(Workflow):
    async def run(self, n: int) -> int:
        deeper = await Forever().run(n=n + 1)
        return deeper


@workflow
class SlowLeaf(Workflow):
    async def run(self, i: int) -> int:
        await park(0.2)
        sub = await Factorial().run(n=i + 2)
        return sub + i


@workflow
class SlowTree(Workflow):
    async def run(self, k: int) -> list[int]:
        leaves = await asyncio.gather(*[SlowLeaf().run(i=i) for i in range(k)])
        total = await double(sum(leaves))
        return [*leaves, total]


@workflow
class FailFast(Workflow):
    async def run(self, seconds: float) -> str:
        await asyncio.gather(Parks().run(seconds=seconds), EvenOnly().run(n=1))
        return "unreachable"
