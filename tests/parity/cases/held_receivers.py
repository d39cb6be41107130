"""A pure method of a computed receiver used as a function value (`key=tables[name].get`,
`map(tables[name].get, xs)`): CPython evaluates the receiver once, where the argument is
evaluated, so a missing key raises for an empty list too, and a later rebinding of a variable
is not seen by a lazy `map`."""

from __future__ import annotations

import functools
import itertools
import operator

from waymark import Workflow, action, workflow


@action
async def load(n: int) -> dict[str, dict[str, int]]:
    return {"a": {"x": 1, "y": 2}, "b": {"x": 5}}


@workflow
class HeldReceivers(Workflow):
    async def run(self, name: str, xs: list[str]) -> list[object]:
        tables = await load(1)
        out: list[object] = []
        try:
            out.append(sorted(xs, key=tables[name].get))
        except KeyError as e:
            out.append(f"sorted KeyError {e}")
        try:
            out.append(list(map(tables[name].get, xs)))
        except KeyError as e:
            out.append(f"map KeyError {e}")
        try:
            out.append(list(filter(tables[name].__contains__, xs)))
        except KeyError as e:
            out.append(f"filter KeyError {e}")
        try:
            out.append(max(xs, key=tables[name].__getitem__, default=None))
        except KeyError as e:
            out.append(f"max KeyError {e}")
        try:
            out.append(functools.reduce(lambda a, b: a + b, map(tables[name].get, xs), 0))
        except (KeyError, TypeError) as e:
            out.append(f"reduce {type(e).__name__} {e}")
        d = tables["a"]
        m = map(d.get, xs)
        d = tables["b"]
        out.append(list(m))
        picks = ["x", "y", "x"]
        rows = [{"x": 3, "y": 1}, {"x": 1, "y": 2}, {"x": 2, "y": 0}]
        out.append([sorted(rows, key=operator.itemgetter(picks.pop())), picks])
        out.append(list(itertools.takewhile(d.get, xs)))
        try:
            ys = list(xs)
            ys.sort(key=tables[name].get, reverse=True)
            out.append(ys)
        except (KeyError, TypeError) as e:
            out.append(f"sort {type(e).__name__} {e}")
        try:
            grouped = itertools.groupby(xs, key=tables[name].__contains__)
            out.append([(k, list(g)) for k, g in grouped])
        except KeyError as e:
            out.append(f"groupby KeyError {e}")
        try:
            out.append(list(itertools.accumulate(xs, tables[name].get)))
        except KeyError as e:
            out.append(f"accumulate KeyError {e}")
        return out
