"""Comprehensions with awaits whose inner lambdas and comprehensions bind the loop variable
again: each inner scope keeps its own variable, as in Python."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def double(value: int) -> int:
    return value * 2


@action
async def total(values: list[int]) -> int:
    return sum(values)


@workflow
class ShadowedComprehensions(Workflow):
    async def run(self, xs: list[int]) -> dict[str, object]:
        ranked = [await double(x) for x in sorted(xs, key=lambda x: -x)]
        keyed = {x: await double(x) for x in xs if any(map(lambda x: x > 2, [x]))}
        inner = [await total([x + 1 for x in range(x)]) for x in xs]
        outer_first = [await total([x * 2 for x in x]) for x in [xs, xs[:1]]]
        nearest = [await double(min(xs, key=lambda y: (abs(y - x - 1), y))) for x in xs]
        mixed = [(x, await double(x)) for x in xs for y in [x] if max([y], key=lambda x: x) > 0]
        return {
            "ranked": ranked,
            "keyed": keyed,
            "inner": inner,
            "outer_first": outer_first,
            "nearest": nearest,
            "mixed": mixed,
        }
