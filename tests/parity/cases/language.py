"""Constructs accepted beyond the documented patterns: positional `timedelta`, helper methods
inherited from a base class of the same module, `str.format` on a literal template, module-level
frozensets."""

# The bodies use `str.format` on purpose.
# ruff: noqa: UP032

from __future__ import annotations

from datetime import timedelta

from waymark import Workflow, action, workflow

ALLOWED = frozenset({"a", "b"})
NOTHING = frozenset()
LEVELS = frozenset(("low", "high", "low"))
SIZES = ("s", "m", ("l", 3))


@action
async def double(n: int) -> int:
    return n * 2


@action
async def seconds(value: float) -> float:
    return value


class Base(Workflow):
    """Not a workflow itself: shared helper methods."""

    def label(self, n: int) -> str:
        return f"n={n}"

    async def doubled(self, n: int) -> int:
        return await double(n) + self.offset()

    def offset(self) -> int:
        return 1


class Middle(Base):
    def offset(self) -> int:
        return 100


@workflow
class UsesInheritedHelpers(Middle):
    async def run(self, n: int) -> list[object]:
        return [self.label(n), await self.doubled(n), self.offset()]


@workflow
class PositionalTimedelta(Workflow):
    async def run(self, days: int) -> list[object]:
        span = timedelta(days, 30)
        longer = timedelta(0, 1, 500000, 2, 3, 4, 1)
        waited = await self.run_action(seconds(span.total_seconds()), timeout=timedelta(0, 30))
        return [span.total_seconds(), longer.total_seconds(), waited]


@workflow
class StrFormat(Workflow):
    async def run(self, name: str, count: int, price: float) -> list[object]:
        row = {"id": 7, "tags": ["a", "b"]}
        doubled = await double(count)
        return [
            "hello {}".format(name),
            "{0}-{1}-{0}".format(name, doubled),
            "{n!r:>8}|{p:.2f}|{{literal}}".format(n=name, p=price),
            "{0[id]} {0[tags][1]} {1:{2}}".format(row, count, "+05d"),
            "{:{}}".format(name, 10),
            "{}".format(None),
        ]


@workflow
class StrFormatErrors(Workflow):
    async def run(self, value: object) -> str:
        return "{:d}".format(value)


@workflow
class ImmutableModuleConstants(Workflow):
    async def run(self, key: str) -> list[object]:
        found = key in ALLOWED
        levels = sorted(LEVELS | {key})
        return [found, levels, NOTHING, ALLOWED, len(SIZES), SIZES[2][1], frozenset([key, key])]


@workflow
class KeyFunctions(Workflow):
    async def run(self, words: list[str], scores: dict[str, int]) -> list[object]:
        limit = await double(1)
        return [
            sorted(words, key=len),
            sorted(words, key=len, reverse=True),
            sorted(words, key=lambda w: (w[-1:], -len(w))),
            sorted(words, key=lambda w: len(w) > limit, reverse=False),
            max(scores, key=scores.get) if scores else None,
            min(scores, key=lambda k: scores[k]) if scores else None,
            max(3, -5, 4, key=abs),
            min(words, key=lambda w: w.count("a")) if words else "",
            sorted(scores.items(), key=lambda kv: kv[1]),
        ]


@workflow
class KeyErrors(Workflow):
    async def run(self, values: list[object]) -> object:
        return sorted(values, key=lambda v: v + 1)


LIMIT = 7


class ConfiguredBase(Workflow):
    prefix = "base"
    retries = 2


@workflow
class ConfiguredOnSelf(ConfiguredBase):
    """Configuration on `self`: class attributes (inherited and overridden) and `__init__`."""

    prefix = "own"

    def __init__(self) -> None:
        """Constants only."""
        super().__init__()
        self.limit = LIMIT
        self.names = ("a", "b")
        self.scale: float = 1.5
        self.retries = 3

    async def run(self, n: int) -> list[object]:
        x = await double(n)
        return [self.prefix, self.retries, min(x, self.limit), self.names[n % 2], self.scale * n]
