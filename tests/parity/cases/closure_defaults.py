"""Local functions with defaults that read the method's variables, used as values: CPython
evaluates a default once, where the `def` runs, and the function value carries it (a call of
the value that leaves the parameter out gets it, as a direct call does)."""

from __future__ import annotations

from collections.abc import Callable

from waymark import Workflow, action, workflow


@action
async def seed(k: int) -> int:
    return k


@workflow
class ClosureDefaults(Workflow):
    async def run(self, k: int) -> list[object]:
        base = await seed(k)

        def plain(i: int = base) -> int:  # reads a plain local, kept nowhere else
            return i

        g = plain
        base = 100  # rebinding it does not change the default evaluated at the `def`
        scale = 3

        def scaled(x: int, factor: int = scale, *, shift: int = base) -> int:
            return x * factor + shift + scale  # `scale` is also kept in a cell

        h = scaled
        scale = 5  # the body reads the cell's new value; the default stays 3
        seen: list[int] = []

        def record(x: int, into: list[int] = seen) -> list[int]:
            into.append(x)  # one list shared by every call, as CPython's default is
            return into

        keep = record
        keep(1)
        record(2)
        made: list[Callable[..., int]] = []
        for step in range(3):

            def at(offset: int = step * 10) -> int:
                return offset + step  # noqa: B023 (`step` read when called: its last value)

            made.append(at)
        return [
            [g(), g(5), plain(), g(i=7), plain(*[3]), scaled(*[1], **{"shift": 2})],
            [h(1), h(1, 2), h(1, shift=0), h(x=2, factor=1, shift=1), scaled(1)],
            [keep(3), seen, keep(4, []), seen],
            [f() for f in made],
            [f(offset=1) for f in made],
        ]


def ordered(xs: list[int], which: str) -> list[int]:
    k = 3

    def near(x: int) -> int:
        return abs(x - k)

    def neg(x: int) -> int:
        return -x

    handlers = {"near": near, "neg": neg}
    return sorted(xs, key=handlers[which])


@workflow
class ClosureHandlers(Workflow):
    """Local functions kept in a dict, one picked as the `key=` of `sorted` and `max`."""

    async def run(self, xs: list[int]) -> list[object]:
        pivot = await seed(2)

        def near(x: int) -> int:
            return abs(x - pivot)

        def low(x: int, base: int = pivot) -> int:
            return x - base

        handlers = {"near": near, "low": low}
        pivot = 4  # `near` reads the new value; `low`'s default stays 2
        return [
            ordered(xs, "near"),
            ordered(xs, "neg"),
            sorted(xs, key=handlers["near"]),
            max(xs, key=handlers["low"]),
            sorted(xs, key=handlers["low"], reverse=True),
        ]
