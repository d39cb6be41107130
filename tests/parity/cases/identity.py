"""`is` as CPython answers it: objects a workflow holds (lists, dicts, sets, dataclasses,
plain instances) are one object under every name, across awaits too; enum members are only
themselves, even where two int enums' members are equal; classes and `None` are singletons."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from waymark import Workflow, action, workflow


class Account:
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.friend: Account | None = None


@dataclass
class Slot:
    day: int


class Prio(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Severity(enum.IntEnum):
    MINOR = 1


class Color(enum.Enum):
    RED = 1
    CRIMSON = 1
    GREEN = 2


@action
async def rows(n: int) -> list[int]:
    return list(range(n))


@workflow
class InstanceIdentity(Workflow):
    async def run(self, owner: str) -> object:
        a = Account(owner)
        b = a
        c = Account(owner)
        a.friend = c
        held = [a, c]
        slot, again = Slot(1), Slot(1)
        before = [a is b, a is c, a is not c, held[0] is a, slot is again, slot == again]
        await rows(1)
        after = [a is b, a is c, held[1] is a.friend, held[0] is b, a.friend is c,
                 self.same(a, b), slot is not again, a is None, a is not None]  # fmt: skip
        return [before, after]

    def same(self, x: Account, y: Account) -> bool:
        return x is y


@workflow
class ContainerIdentity(Workflow):
    async def run(self, n: int) -> object:
        first, second = await rows(n), await rows(n)
        alias = first
        table = {"a": first}
        await rows(0)
        first.append(99)
        return [first is second, first is alias, table["a"] is first, first == second,
                list(first) is first, alias is not second]  # fmt: skip


@workflow
class EnumIdentity(Workflow):
    async def run(self, level: int) -> object:
        prio = Prio(level)
        minor = Severity.MINOR
        color = Color.CRIMSON
        await rows(0)
        return [prio is Severity.MINOR, prio == minor, prio is Prio.LOW, minor is Severity(1),
                color is Color.RED, color is not Color.GREEN, Prio.LOW is Severity.MINOR,
                type(prio) is Prio, type(prio) is type(minor), None is None]  # fmt: skip
