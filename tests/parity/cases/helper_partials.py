"""Functions of the user's code and helper methods as values: `functools.partial` of a plain
function, of a helper method and of an async helper (positional and keyword binding, `.func`,
`.args`, `.keywords`), such values called, awaited, gathered and passed along, and the
`TypeError`s Python raises for them."""

from __future__ import annotations

import asyncio
from functools import partial

from waymark import Workflow, action, workflow


@action
async def price(sku: str) -> float:
    return len(sku) * 1.5


def label(prefix: str, text: str, *, upper: bool = False) -> str:
    made = f"{prefix}:{text}"
    return made.upper() if upper else made


def pick(chooser: object, items: list[str]) -> list[str]:
    return [chooser(item) for item in items]


async def priced(sku: str, markup: float = 1.0) -> float:
    return await price(sku) * markup


@workflow
class PlainPartials(Workflow):
    async def run(self, items: list[str]) -> list[object]:
        tag = partial(label, "tag")
        loud = partial(tag, upper=True)
        chooser = label if items else tag
        return [
            tag("a"),
            loud("b"),
            loud("c", upper=False),
            pick(tag, items),
            [partial(label, p)(t) for p, t in zip("xy", items, strict=False)],
            chooser("k", "v"),
            [loud.func == label, loud.args, loud.keywords],
        ]


@workflow
class MethodPartials(Workflow):
    async def run(self, scores: list[int]) -> list[object]:
        ranked = sorted(scores)
        at = partial(self.rank, ranked)
        bonus = partial(self.bonus, extra=2)
        gathered = await asyncio.gather(*[bonus(s) for s in scores])
        one = await partial(priced, markup=2.0)("abc")
        both = await asyncio.gather(partial(priced, "ab")(), bonus(1))
        return [[at(s) for s in scores], gathered, one, both]

    def rank(self, ranked: list[int], score: int) -> int:
        return ranked.index(score)

    async def bonus(self, score: int, extra: int = 1) -> float:
        return await price("x" * score) + extra


@workflow
class FunctionValueErrors(Workflow):
    async def run(self, case: str) -> str:
        tag = partial(label, "t")
        try:
            if case == "arguments":
                tag("a", "b")
            elif case == "await":
                await tag("a")
            elif case == "gather":
                await asyncio.gather(tag("a"))
            elif case == "not callable":
                value = [1, 2]
                value(1)
            return "no error"
        except TypeError as error:
            return f"TypeError: {error}"


def to_csv(rows: list[str]) -> str:
    return ",".join(rows)


def to_lines(rows: list[str]) -> str:
    return "\n".join(rows)


async def priced_all(rows: list[str]) -> list[float]:
    return [await price(row) for row in rows]


FORMATS = {"csv": to_csv, "lines": to_lines}
HANDLERS = {"price": priced_all, "label": label}
STEPS = (to_csv, to_lines)


@workflow
class FunctionTables(Workflow):
    async def run(self, kind: str, rows: list[str]) -> list[object]:
        render = FORMATS.get(kind, to_csv)
        prices = await HANDLERS["price"](rows)
        tagged = HANDLERS["label"]("row", rows[0]) if rows else None
        renders = [FORMATS[name](rows) for name in sorted(FORMATS)]
        return [render(rows), prices, tagged, renders, render.__name__, STEPS[0](rows)]
