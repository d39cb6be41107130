"""`functools.reduce` (both import forms) with a lambda that reads the workflow's variables, a
helper function and `operator` functions, with and without a start, over lists, a dict and a
generator (and `operator` functions as `map`'s function and a `key=`); and CPython's errors: an empty iterable without a start, something that cannot be
iterated, an error raised by the function itself, and `initial=` as a keyword (taken from Python
3.14 on, before it `reduce() takes no keyword arguments`)."""

from __future__ import annotations

import functools
import operator
from functools import reduce
from operator import add, mul

from waymark import Workflow, action, workflow


@action
async def amounts(n: int) -> list[int]:
    return [(i * 7) % 5 + 1 for i in range(n)]


def longer(best: str, word: str) -> str:
    return word if len(word) > len(best) else best


@workflow
class Reductions(Workflow):
    async def run(self, n: int) -> list[object]:
        xs = await amounts(n)
        weight = 3
        words = [f"w{'x' * x}" for x in xs]
        total = reduce(lambda acc, x: acc + x * weight, xs, 0)
        counted = await amounts(n + 1)
        return [
            total,
            reduce(add, counted, 100),
            functools.reduce(operator.mul, xs, 1),
            reduce(mul, [2, 3, 4]),
            reduce(longer, words, ""),
            reduce(lambda a, b: b + a, "abc"),
            reduce(operator.sub, (x for x in counted if x > 1), 0),
            reduce(lambda acc, key: [*acc, key], {"k": 1, "j": 2}, []),
            reduce(lambda a, b: (a, b), xs[:3], None),
            reduce(max, xs, -1),
            reduce(operator.lt, [1, 2]),
            list(map(operator.add, xs, counted)),
            sorted(xs, key=operator.neg),
        ]


@workflow
class ReduceErrors(Workflow):
    async def run(self, case: str) -> object:
        xs = await amounts(0 if case == "empty" else 3)
        if case == "empty":
            return reduce(add, xs)
        if case == "scalar":
            return reduce(add, 5, 0)
        if case == "function":
            return reduce(lambda a, b: a / (b - b), xs)
        if case == "keyword":
            return reduce(add, xs, initial=10)
        if case == "keyword_empty":
            return functools.reduce(lambda a, b: a * b, [x for x in xs if x > 9], initial=xs)
        return reduce(add, xs, "")
