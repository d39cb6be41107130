"""Closures kept as values: a local function or a lambda bound to a name stored in a dict or
list, passed to a function of the module, `functools.reduce` or `re.sub`, returned by a
function, and called later. As in CPython, a closure reads the variable's current value (late
binding, also the loop's last value for closures made in a loop), `nonlocal` writes reach the
enclosing function, and all of it holds across awaits (and a resume)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from waymark import Workflow, action, workflow

WORD = re.compile(r"[a-z]+")


@action
async def tick(n: int) -> int:
    return n


def apply(f: Callable[[int], int], x: int) -> int:
    return f(x)


def multiplier(k: int) -> Callable[[int], int]:
    def times(x: int) -> int:
        return x * k

    return times


def counter() -> list[Callable[[], int]]:
    count = 0

    def bump() -> int:
        nonlocal count
        count += 1
        return count

    def peek() -> int:
        return count

    return [bump, peek]


@workflow
class ClosureCells(Workflow):
    async def run(self, k: int) -> list[object]:
        scale = lambda x: x * k  # noqa: E731
        count = 0

        def bump(by: int) -> int:
            nonlocal count
            count += by
            return count

        def late() -> int:
            return k + count

        held = {"scale": scale, "late": late}
        first = [held["scale"](2), late(), bump(3)]
        k = 10  # read by the closures when they run, not where they were made
        await tick(1)
        second = [held["scale"](2), held["late"](), apply(scale, 5), bump(1), count]
        total = functools.reduce(lambda a, b: a + scale(b), [1, 2], 0)
        fs = [scale, late]
        k = 100
        await tick(2)
        third = [fs[0](1), fs[1](), total, sorted([3, 1, 2], key=scale)]
        return [first, second, third, self.made(k), await self.loop()]

    def made(self, k: int) -> list[object]:
        double, triple = multiplier(2), multiplier(3)
        bump, peek = counter()
        suffix = "!"

        def shout(match: re.Match[str]) -> str:
            return match[0].upper() + suffix

        suffix = "?"
        text = WORD.sub(shout, "ab cd")
        return [double(k), triple(k), bump(), bump(), peek(), text, max([1, 5, 2], key=triple)]

    async def loop(self) -> list[object]:
        made = []
        for i in range(3):

            def at() -> int:
                return i  # noqa: B023 (late binding is what this case checks)

            made.append(at)
        await tick(3)
        return [f() for f in made]


@workflow
class NestedClosureCells(Workflow):
    """Functions nested inside local functions read (and, with `nonlocal`, write) the method's
    variables through the same cells, passed down each level: a function a local function
    makes and returns sees the method's later assignments too."""

    async def run(self, k: int) -> list[object]:
        n = 0

        def outer() -> int:
            def inner() -> int:
                return k

            return inner()

        def maker() -> Callable[[], int]:
            def made() -> int:
                return k + n

            return made

        def deep() -> Callable[[], int]:
            def mid() -> int:
                def low() -> int:
                    nonlocal n
                    n += 10
                    return k + n

                return low()

            return mid

        def shadowing() -> list[int]:
            def own(k: int) -> int:
                return k * 2

            def assigned() -> int:
                k = 7
                return k

            return [own(3), assigned(), k]

        f, g, m = outer, maker(), deep()
        k += 1
        await tick(1)
        first = [f(), g(), m(), n, shadowing()]
        k = 100
        await tick(2)
        return [first, f(), g(), m(), n]


@workflow
class UnboundCells(Workflow):
    """A variable a closure keeps, read before it is bound (or after `del`): CPython's
    `NameError` about a free variable from the closure (a lambda and a comprehension too), its
    `UnboundLocalError` from the method itself; bound later, by unpacking and a `for` too,
    every reader sees it."""

    async def run(self) -> list[object]:
        out: list[object] = []

        def read() -> int:
            return k  # noqa: F821 (unbound here, as this case checks)

        def bump() -> int:
            nonlocal k
            k += 1
            return k

        def keyed() -> list[int]:
            return sorted([1], key=lambda x: x + k)  # noqa: F821

        def listed() -> list[int]:
            return [k for _ in range(1)]  # noqa: F821

        attempts = [read, bump, keyed, listed]
        for attempt in attempts:
            try:
                out.append(attempt())
            except NameError as error:
                out.append([type(error).__name__, str(error)])
        try:
            out.append(sorted([2], key=lambda x: x + k))  # noqa: F821
        except NameError as error:
            out.append([type(error).__name__, str(error)])
        try:
            out.append(k)
        except NameError as error:
            out.append([type(error).__name__, str(error)])
        _, (k, *rest) = 0, (5, 6)
        for k in range(2):
            rest.append(k)
        await tick(1)
        bound = [read(), bump(), bump(), k]

        def drop() -> None:
            nonlocal k
            del k

        drop()
        for attempt in (read, drop):
            try:
                out.append(attempt())
            except NameError as error:
                out.append([type(error).__name__, str(error)])
        k = 7
        del k
        try:
            del k
        except NameError as error:
            out.append([type(error).__name__, str(error)])
        return [out, bound, rest]
