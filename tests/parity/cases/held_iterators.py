"""Iterators held in variables while a loop over them awaits: a generator, `map`, `zip`,
`enumerate` or a list iterator in a variable is the loop's own iterator (one object, shared
after every resume), and `zip(it, it)` reads `it` as it goes."""

from __future__ import annotations

import itertools
from collections import OrderedDict

from waymark import Workflow, action, workflow


@action
async def save(row: str) -> str:
    return row.upper()


@workflow
class HeldGenerator(Workflow):
    async def run(self, rows: list[str]) -> list[object]:
        valid = (r for r in rows if r)
        saved = []
        for r in valid:
            saved.append(await save(r))
        cleaned = map(str.strip, rows)
        for r in cleaned:
            saved.append(await save(r))
            if r == "b":
                break
        saved.append(list(cleaned))
        numbered = enumerate(rows, start=1)
        for i, r in numbered:
            saved.append(f"{i}:{await save(r)}")
        clean = (r.strip() for r in rows)
        for i, r in enumerate(clean):
            saved.append(f"{i}:{await save(r)}")
        stripped = (r.strip() for r in rows)
        for r, n in zip(stripped, range(10), strict=False):
            saved.append(f"{n}:{await save(r)}")
            if n == 1:
                break
        saved.append(list(stripped))
        return saved


@workflow
class SharedIterator(Workflow):
    async def run(self, tokens: list[str]) -> list[str]:
        it = iter(tokens)
        out = []
        for key, value in zip(it, it, strict=False):
            out.append(f"{await save(key)}={value}")
        out.append("|")
        out.extend(it)
        words = iter(tokens)
        for word in words:
            out.append(await save(word))
            if word == "1":
                break
        out.append(next(words, "end"))
        out.extend(words)
        return out


@workflow
class DictChangedDuringLoop(Workflow):
    """A loop over a dict (or its items, reversed) that awaits keeps its place across the
    await, and adding or removing a key on the way raises Python's `RuntimeError`, whether the
    change comes before or after the await."""

    async def run(self, change: str) -> list[object]:
        stock = {"a": 1, "b": 2, "c": 3}
        seen: list[object] = []
        try:
            for key, count in stock.items():
                if change == "before" and key == "b":
                    stock["d"] = 4
                seen.append(f"{key}={await save(key)}:{count}")
                if change == "after" and key == "b":
                    del stock["a"]
                if change == "value":
                    stock[key] = count * 10
        except RuntimeError as error:
            seen.append(str(error))
        for key in reversed(stock):
            seen.append(await save(key))
        return [seen, stock]


@workflow
class EndlessIterators(Workflow):
    """`itertools.count`, `cycle` and `repeat`, which need not end, held across awaits: a
    polling loop numbering its attempts, round-robin over workers, a repeated default."""

    async def run(self, rows: list[str], polls: int) -> list[object]:
        out: list[object] = []
        for attempt in itertools.count(1):
            out.append(await save(f"poll {attempt}"))
            if attempt >= polls:
                break
        workers = itertools.cycle(["w1", "w2", "w3"])
        for row in rows:
            out.append(f"{await save(row)}@{next(workers)}")
        ids = itertools.count(100, 5)
        labelled = list(zip(ids, rows, strict=False))
        await save("x")
        out += [labelled, next(ids), repr(ids), repr(itertools.count(2.5, 0.5))]
        fill = itertools.repeat("-", 3)
        out.append(next(fill))
        await save("y")
        out += [list(fill), repr(fill), list(itertools.repeat(0, len(rows)))]
        out.append(list(itertools.islice(itertools.cycle(rows), 7)))
        try:
            itertools.count("a")
        except TypeError as error:
            out.append(str(error))
        return out


@workflow
class LoopOverDictItems(Workflow):
    """A loop over a dict's items, values or keys that awaits reads each value as it is when
    it gets there (a running total updated in the loop), in either direction; an `OrderedDict`'s
    (`ordered`) too."""

    async def run(self, start: dict[str, int], ordered: bool = False) -> list[object]:
        totals = OrderedDict(start) if ordered else dict(start)
        seen: list[object] = []
        for team, total in totals.items():
            await save(team)
            seen.append((team, total))
            for other in totals:
                if other > team:
                    totals[other] += total
        for total in reversed(totals.values()):
            seen.append(await save(str(total)))
            totals[min(totals)] = 0
        for key in reversed(totals.keys()):
            seen.append(await save(key))
            totals[max(totals)] = 7
        view = totals.values()
        pending = iter(totals.items())
        seen.append(next(pending, None))
        await save("x")
        if totals:
            totals[max(totals)] = -1
        seen.append(list(pending))
        seen.append(list(view))
        return seen


@workflow
class ContainerChangedInLoop(Workflow):
    """A dict or set that changes size while a loop over it waits fails the loop with
    Python's `RuntimeError` where the loop reads on, which the workflow may catch; so does a
    generator whose next item raises, held across an await."""

    async def run(self, case: str) -> list[object]:
        scores = {"a": 1, "b": 2, "c": 3}
        tags = {1, 2, 3}
        seen: list[object] = []
        try:
            if case == "grow-after":
                for key in scores:
                    seen.append(await save(key))
                    scores[key * 2] = 0
            elif case == "grow-before":
                for key in scores:
                    scores[key * 2] = 0
                    seen.append(await save(key))
            elif case == "swap":  # one key out, one in: the same size, read on as Python does
                for key in scores:
                    seen.append(await save(key))
                    if key == "a":
                        del scores["c"]
                        scores["z"] = 26
            elif case == "keys-changed":
                for key in scores:
                    if key == "a":
                        del scores["a"]
                        scores["z"] = 26
                    seen.append(await save(key))
            elif case == "set":
                for tag in tags:
                    seen.append(await save(str(tag)))
                    tags.add(tag + 10)
            else:
                ratios = (10 // n for n in [5, 2, 0, 1])
                seen.append(next(ratios))
                await save("x")
                seen.extend(ratios)
        except RuntimeError as error:
            seen.append(f"RuntimeError: {error}")
        except ZeroDivisionError as error:
            seen.append(f"ZeroDivisionError: {error}")
        return [seen, scores, sorted(tags)]
