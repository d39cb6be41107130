"""Function values and the standard library a workflow may use: `map`, `filter`,
`dict.fromkeys`, unbound methods of builtin types as keys, `math` functions and constants,
`type(x).__name__` (also of the exceptions a gather returns), `Counter` and `defaultdict`."""

from __future__ import annotations

import asyncio
import collections
import itertools
import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from operator import attrgetter, itemgetter

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class QuotaExceeded(Exception):
    pass


class Sample(BaseModel):
    value: float


@action
async def measure(n: int) -> int:
    if n > 90:
        raise QuotaExceeded(f"quota at {n}")
    if n < 0:
        raise KeyError(n)
    return n


@workflow
class MapAndFilter(Workflow):
    async def run(self, words: list[str], weights: list[int]) -> list[object]:
        count = await measure(len(words))
        return [
            list(map(str.upper, words)),
            ",".join(map(str, range(count))),
            list(map(lambda w, n: w * n, words, weights)),
            list(map(pow, weights, [2] * count)),
            list(filter(None, [0, 1, "", *words, None])),
            list(filter(lambda w: len(w) > 2, words)),
            sorted(filter(str.isalpha, words), key=str.lower),
            sum(map(len, words)),
            list(map({"a": 1}.get, words)),
            dict.fromkeys(words),
            dict.fromkeys(words, count),
            any(map(str.isdigit, words)),
        ]


@workflow
class MathFunctions(Workflow):
    async def run(self, n: int, x: float) -> list[object]:
        k = await measure(n)
        batches = math.ceil(k / 3)
        return [
            batches,
            floor(x),
            ceil(x),
            math.trunc(x),
            math.sqrt(abs(x)),
            math.isclose(0.1 + 0.2, 0.3),
            math.prod(range(1, k + 1)),
            math.fsum([x] * k),
            math.gcd(12, k),
            math.lcm(4, 6, k),
            math.log(k + 1, 2),
            math.hypot(3, 4),
            math.copysign(1, x),
            math.inf > k,
            -math.inf,
            math.isnan(math.nan),
            round(math.pi * k, 3),
            list(map(math.sqrt, [k, 4])),
        ]


@workflow
class MathErrors(Workflow):
    async def run(self, value: object) -> object:
        await measure(1)
        return math.sqrt(value)  # type: ignore[arg-type]


@workflow
class TypeNames(Workflow):
    async def run(self, values: list[int]) -> list[object]:
        results = await asyncio.gather(*[measure(v) for v in values], return_exceptions=True)
        named = [f"{type(r).__name__}: {r}" for r in results]
        try:
            await measure(99)
        except Exception as error:
            named.append(type(error).__name__ + "/" + error.__class__.__name__)
        plain = [type(v).__name__ for v in [1, "a", None, 2.5, [], {}, (1,), True]]
        return [named, plain, type(Sample(value=1.5)).__name__]


@action
async def page(size: int) -> list[int]:
    return list(range(size)) if size > 0 else []


@workflow
class AssignmentExpressions(Workflow):
    """`:=` in conditions, `while` tests with an awaited value, and the order in which an
    expression reads a name it rebinds."""

    async def run(self, n: int) -> list[object]:
        seen = []
        if (size := len(await page(n))) > 2:
            seen.append(("big", size))
        left = n
        while chunk := await page(left):
            seen.append(chunk)
            left -= 2
        x = 1
        y = x + (x := len(await page(3))) + x
        return [seen, size, chunk, y, x, (z := "z"), z]


@workflow
class AssignmentExpressionsInComprehensions(Workflow):
    """`:=` inside comprehensions binds the function's variable (PEP 572): filtered values,
    the last value left behind, a generator that stops at its first match, nested
    comprehensions reading what an inner one bound, and the name kept across an await."""

    async def run(self, lines: list[str], threshold: int) -> list[object]:
        cleaned = [stripped for line in lines if (stripped := line.strip())]
        last = stripped
        sizes = {word: size for word in cleaned if (size := len(word)) >= threshold}
        found = None
        first_b = found if any((found := w).startswith("b") for w in cleaned) else "none"
        totals = [total := 0] + [total := total + len(w) for w in cleaned]
        grid = [[(cell := row * col) for col in range(3)] + [cell] for row in range(1, 3)]
        pages = await asyncio.gather(*[page(size) for size in [len(cleaned)]])
        after = [n for chunk in pages for n in chunk if (kept := n) % 2 == 0]
        doubled = await page(total % 5)
        return [
            cleaned,
            last,
            sizes,
            first_b,
            found,
            totals,
            total,
            grid,
            cell,
            after,
            kept,
            doubled,
            {c for w in cleaned if (c := w[:1])},
            c,
        ]


@action
async def tally(counts: dict[str, int]) -> int:
    return sum(counts.values())


@workflow
class CountersAndDefaults(Workflow):
    """`Counter` and `defaultdict` built, grown, held across awaits (one object under two
    names stays one) and passed to an action."""

    async def run(self, words: list[str]) -> list[object]:
        counts = Counter(words)
        same = counts
        groups: defaultdict[str, list[int]] = defaultdict(list)
        sizes = collections.defaultdict(int)
        for i, word in enumerate(words):
            groups[word[:1]].append(i)
            sizes[len(word)] += 1
        await measure(len(words))
        same["extra"] += 2
        counts.update(["a", "a"])
        counts.subtract({"b": 5})
        more = counts + Counter(a=1, z=3)
        seen = defaultdict(set)
        seen["k"].add(1)
        total = await tally(counts)
        return [
            counts,
            same == counts,
            counts.most_common(2),
            counts.total(),
            more,
            counts["missing"],
            dict(groups),
            groups["none"],
            sorted(sizes.items()),
            seen,
            total,
            isinstance(counts, Counter),
            isinstance(groups, dict),
            Counter(),
            defaultdict(None, {"a": 1}),
        ]


@workflow
class ValueClassDefaults(Workflow):
    """`defaultdict` of a standard value class (`Decimal`, `Fraction`, `Counter`, `deque`,
    `OrderedDict`), or of a lambda giving its zero, held across an await."""

    async def run(self, rows: list[list[str]]) -> list[object]:
        money = defaultdict(Decimal)
        shares = collections.defaultdict(lambda: Fraction(0))
        words: defaultdict[str, Counter[str]] = defaultdict(Counter)
        recent = defaultdict(deque)
        ordered = defaultdict(collections.OrderedDict)
        cents = defaultdict(lambda: Decimal())
        for region, amount, word in rows:
            money[region] += Decimal(amount)
            shares[region] += Fraction(1, len(rows))
            words[region][word] += 1
            recent[region].appendleft(word)
            ordered[word][region] = amount
            cents[region] -= Decimal(amount) * 100
        await measure(len(rows))
        money["none"] += 0
        return [money, dict(shares), dict(words), dict(recent), dict(ordered), cents]


@workflow
class LambdaDefaults(Workflow):
    """A `defaultdict` whose factory is a lambda giving an empty or zero value of a builtin
    type (`lambda: 0`, `lambda: []`, `lambda: set()`): the same as with the type itself, held
    across an await and grown after it."""

    async def run(self, words: list[str]) -> list[object]:
        counts = defaultdict(lambda: 0)
        groups = defaultdict(lambda: [])
        joined = defaultdict(lambda: "")
        long = defaultdict(lambda: False)
        sizes = collections.defaultdict(lambda: set())
        ratios = defaultdict(lambda: 0.0)
        for i, word in enumerate(words):
            counts[word] += 1
            groups[word[:1]].append(i)
            joined[len(word)] += word
            long[word] = long[word] or len(word) > 2
            sizes[word[:1]].add(len(word))
            ratios[word[:1]] += len(word) / 2
        await measure(len(words))
        counts["late"] += 5
        groups["late"].append(-1)
        return [
            dict(counts),
            dict(groups),
            dict(joined),
            dict(long),
            {key: sorted(value) for key, value in sizes.items()},
            dict(ratios),
            counts["never"],
            groups["empty"],
            isinstance(counts, dict),
        ]


@action
async def rows_of(words: list[str]) -> list[dict[str, object]]:
    return [{"word": word, "n": len(word)} for word in words]


@workflow
class SortInPlace(Workflow):
    """`list.sort(key=..., reverse=...)` sorts the list itself: an alias sees the order, equal
    keys keep their order (stable), and the list is stored and read back across the awaits."""

    async def run(self, words: list[str]) -> list[object]:
        rows = await rows_of(words)
        alias = rows
        rows.sort(key=lambda row: row["n"])
        by_length = [row["word"] for row in alias]
        names = [str(row["word"]) for row in rows]
        names.sort(key=str.lower, reverse=True)
        await asyncio.sleep(0)
        names.sort(key=len)
        copied = list(names)
        copied.sort(key=lambda name: (name[-1:], name), reverse=False)
        rows.sort(key=lambda row: row["word"], reverse=True)
        return [by_length, names, copied, [row["word"] for row in alias]]


@workflow
class KeyedDefaults(Workflow):
    """`min`/`max` with both `key=` and `default=`: the default for an empty iterable, the
    first of equal keys otherwise."""

    async def run(self, words: list[str]) -> list[object]:
        rows = await rows_of(words)
        return [
            max(words, key=len, default=None),
            min(words, key=lambda w: (len(w), w), default="none"),
            max((r for r in rows if r["n"] > 3), key=lambda r: r["n"], default={}),
            min([], key=len, default=[]),
        ]


@dataclass
class Ranked:
    name: str
    score: int


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@action
async def ranked_rows() -> list[Ranked]:
    return [Ranked("b", 2), Ranked("a", 2), Ranked("c", 1)]


@workflow
class KeyFunctions(Workflow):
    """Functions named where a key is expected: a plain function of the module, a helper
    method, `operator.itemgetter` and `attrgetter` (one key and several)."""

    async def run(self, versions: list[str]) -> list[object]:
        rows = await ranked_rows()
        table = [{"name": r.name, "score": r.score} for r in rows]
        table.sort(key=itemgetter("score", "name"))
        return [
            sorted(versions, key=version_key),
            max(versions, key=version_key, default=None),
            list(map(version_key, versions)),
            [r.name for r in sorted(rows, key=attrgetter("score", "name"))],
            [r.name for r in sorted(rows, key=attrgetter("name"), reverse=True)],
            table,
            sorted(table, key=itemgetter("name"))[0],
            min(rows, key=self.rank).name,
        ]

    def rank(self, row: Ranked) -> int:
        return -row.score * 10 + ord(row.name)


@action
async def team_rows() -> list[dict[str, object]]:
    return [
        {"team": "b", "n": 3},
        {"team": "a", "n": 1},
        {"team": "a", "n": 2},
        {"team": "b", "n": 5},
    ]


@workflow
class Itertools(Workflow):
    """`itertools` as Python's: groupby with a key (a lambda, `itemgetter`) and without, an
    iterator held across an await, product with `repeat`, combinations, permutations, islice,
    pairwise, accumulate, zip_longest, chain and chain.from_iterable."""

    async def run(self, xs: list[int]) -> list[object]:
        rows = await team_rows()
        ordered = sorted(rows, key=itemgetter("team"))
        teams = {
            k: [r["n"] for r in g] for k, g in itertools.groupby(ordered, key=itemgetter("team"))
        }
        runs = [(k, len(list(g))) for k, g in itertools.groupby("aabccca")]
        parity = [k for k, _ in itertools.groupby(xs, key=lambda v: v % 2)]
        chained = itertools.chain(xs, [99])
        first = next(chained, None)
        await asyncio.sleep(0)
        return [
            teams, runs, parity, first, list(chained),
            list(itertools.product(xs[:2], "ab")), list(itertools.product([0, 1], repeat=2)),
            list(itertools.combinations(xs, 2)), list(itertools.permutations(xs[:3], 2)),
            list(itertools.combinations_with_replacement(xs[:2], 2)),
            list(itertools.islice(xs, 1, None, 2)), list(itertools.pairwise(xs)),
            list(itertools.accumulate(xs)), list(itertools.zip_longest(xs, "ab", fillvalue="-")),
            list(itertools.chain.from_iterable([[1], [2, 3], []])),
        ]  # fmt: skip


@workflow
class GroupsAfterTheGroupby(Workflow):
    """A `groupby` group is empty once the groupby has moved past it (or found no more groups),
    across awaits too: the groups and the groupby are saved as one."""

    async def run(self, word: str) -> list[object]:
        listed = [list(g) for _, g in list(itertools.groupby(word))]
        grouped = itertools.groupby(word)
        key, first = next(grouped, ("-", iter("")))
        await asyncio.sleep(0)
        head = next(first, None)
        second = next(grouped, None)
        await asyncio.sleep(0)
        rest = list(first)
        last = [list(g) for _, g in grouped]
        after = list(second[1]) if second is not None else None
        return [listed, key, head, rest, last, after]
