"""Classes held as values: a module's table of classes called by key, a local table, a name
bound to one class or another, each constructing an instance as naming the class does."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import Workflow, action, workflow


@dataclass
class ExpiryFirst:
    dest: str

    def pick(self, lots: list[int]) -> int:
        return min(lots)


@dataclass
class Nearest:
    dest: str
    hops: int = 1

    def pick(self, lots: list[int]) -> int:
        return lots[0]


class Heaviest:
    def __init__(self, dest: str) -> None:
        self.dest = dest

    def pick(self, lots: list[int]) -> int:
        return max(lots)


STRATEGIES = {"fefo": ExpiryFirst, "nearest": Nearest, "heavy": Heaviest}


@action
async def lots_for(dest: str) -> list[int]:
    return [len(dest) + 3, 1, 9]


@workflow
class StrategyTable(Workflow):
    async def run(self, name: str, dest: str) -> object:
        lots = await lots_for(dest)
        strategy = STRATEGIES[name](dest)
        local = {"a": Nearest, "b": Heaviest}
        chosen = Nearest if name == "nearest" else ExpiryFirst
        other = local["b" if name == "heavy" else "a"](dest=dest)
        try:
            STRATEGIES[name]()
        except TypeError as error:
            missing = str(error)
        return [
            strategy.pick(lots),
            strategy.dest,
            type(strategy).__name__,
            type(strategy) == STRATEGIES[name],  # noqa: E721 - equality of classes
            chosen(dest).pick(lots),
            other.pick(lots),
            chosen.__name__,
            sorted(STRATEGIES),
            missing,
        ]


class Express(Heaviest):
    pass


TIERS = {"heavy": Heaviest, "express": Express, "fefo": ExpiryFirst}


@workflow
class StrategyChecks(Workflow):
    async def run(self, name: str, dest: str) -> object:
        made = TIERS[name](dest)
        kind = TIERS["heavy"]
        await lots_for(dest)
        checks = [isinstance(made, TIERS[other]) for other in sorted(TIERS)]
        checks += [isinstance(made, kind), isinstance(made, (kind, TIERS["fefo"])),
                   isinstance(kind(dest), TIERS["express"])]  # fmt: skip
        sizes = {"n": 3}
        try:
            isinstance(made, sizes["n"])
        except TypeError as error:
            checks.append(str(error))
        return checks
