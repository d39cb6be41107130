"""Enum members as Python treats them: an `IntEnum` is an int (with floats and `Decimal`, and
equal to another enum's int member of the same value), a `StrEnum`'s own methods win over
`str`'s, a plain member supports no operator (Python's `TypeError`, with the enum's name), an
enum's own `__str__` shows in format specs, and a value its `__new__` set looks it up."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum, IntEnum, StrEnum

from waymark import Workflow, action, workflow


class Prio(IntEnum):
    LOW = 1
    HIGH = 3


class Severity(int, Enum):
    MINOR = 1
    MAJOR = 2


class Tier(StrEnum):
    PRO = "pro"
    FREE = "free"

    def title(self) -> str:
        return {"pro": "Professional", "free": "Free plan"}[self.value]


class Role(Enum):
    ADMIN = "admin"
    USER = "user"


class Pretty(Enum):
    A = "a"

    def __str__(self) -> str:
        return f"Pretty<{self.value}>"


class Http(IntEnum):
    def __new__(cls, code: int, phrase: str) -> Http:
        member = int.__new__(cls, code)
        member._value_ = code
        member.phrase = phrase  # type: ignore[attr-defined]
        return member

    OK = (200, "OK")
    NOT_FOUND = (404, "Not Found")


@action
async def priority(level: int) -> Prio:
    return Prio(level)


@workflow
class DataEnums(Workflow):
    async def run(self, level: int) -> list[object]:
        p = await priority(level)
        return [
            p * 1.5, p + 0.5, p / 2.0, p >= 2.5, 2.5 - p, max(p, 2.5), sorted([2.5, p]),
            p < Decimal("9"), Decimal(p), p == Severity.MINOR, {Severity.MINOR: "minor"}.get(p),
            len({p, Severity.MINOR}), Tier.PRO.title(), Tier.FREE.upper(), f"{Pretty.A:>12}",
            format(Pretty.A), str(Pretty.A), Http(404).phrase, Http(200) == 200,
        ]  # fmt: skip


@workflow
class PlainEnumOperators(Workflow):
    async def run(self, op: str) -> str:
        role = Role.ADMIN
        try:
            if op == "in":
                return repr("adm" in role)
            if op == "getitem":
                return repr(role["k"])  # type: ignore[index]
            if op == "neg":
                return repr(-role)  # type: ignore[operator]
            if op == "abs":
                return repr(abs(role))  # type: ignore[arg-type]
            if op == "round":
                return repr(round(role))  # type: ignore[call-overload]
            if op == "len":
                return repr(len(role))  # type: ignore[arg-type]
            if op == "int":
                return repr(int(role))  # type: ignore[call-overload]
            if op == "less":
                return repr(sorted([Role.USER, role]))  # type: ignore[type-var]
            if op == "add":
                return repr(role + 1)  # type: ignore[operator]
            return repr(list(role))  # type: ignore[call-overload]
        except TypeError as error:
            return f"TypeError: {error}"
