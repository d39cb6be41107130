"""Helpers with `*args` and `**kwargs` — module functions, a helper method and a nested
function — called with plain, spread and keyword arguments, with keyword-only parameters after
`*args`, the tuple and dict Python binds (kept across an await), and CPython's `TypeError`s for
calls that do not fit."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def numbers(n: int) -> list[int]:
    return list(range(1, n + 1))


def total(*values: int, scale: int = 1) -> int:
    return sum(values) * scale


def describe(head: str, *rest: object, sep: str = "/", **options: object) -> str:
    parts = [head, *map(str, rest)]
    flags = ",".join(f"{k}={v}" for k, v in sorted(options.items()))
    return f"{sep.join(parts)}[{flags}] {type(rest).__name__} {type(options).__name__}"


def keywords(**named: int) -> dict[str, int]:
    return named


def needs(a: int, b: int, *, c: int) -> int:
    return a + b + c


@workflow
class VariadicHelpers(Workflow):
    async def run(self, n: int) -> list[object]:
        xs = await numbers(n)
        kept = self.gather_args(*xs, 10)
        extra = keywords(a=1, **{"b": n})
        await numbers(1)

        def joined(*parts: str, **marks: str) -> str:
            return "-".join(parts) + "".join(marks.values())

        return [
            total(),
            total(*xs),
            total(1, 2, scale=3),
            describe("a"),
            describe("a", 1, *xs, sep=":", z=1, y="two"),
            keywords(),
            extra,
            kept,
            kept[1:],
            joined("x", "y", end="!"),
            needs(1, 2, c=n),
        ]

    def gather_args(self, first: int, *more: int) -> tuple[int, ...]:
        return (first, *more)


@workflow
class VariadicErrors(Workflow):
    async def run(self, case: str) -> object:
        xs = await numbers(2)
        try:
            if case == "unexpected":
                return total(*xs, extra=1)
            if case == "multiple":
                return describe("a", head="b")
            if case == "keyword_only":
                return needs(*xs)
            if case == "missing":
                return describe()
            if case == "missing_several":
                return needs(c=1)
            return keywords(**{"a": xs[0]}, **{"b": xs[1]})
        except TypeError as error:
            return str(error)
