"""Looking up by value (`Status(raw)`) the members of enums numbered with `auto()`: a
`StrEnum`'s lowercased names, an `IntEnum` counting on from a literal, `Flag`/`IntFlag` powers
of two (a combination too), Python's `ValueError` for a value of no member; and an enum's
`__members__` (aliases included) to validate a name."""

from __future__ import annotations

import enum
from enum import Flag, IntEnum, IntFlag, StrEnum, auto

from waymark import Workflow, action, workflow


class Status(StrEnum):
    OPEN = auto()
    ON_HOLD = auto()


class Stage(enum.Enum):
    DRAFT = "draft"
    LIVE = "live"
    PUBLISHED = "live"


class Priority(IntEnum):
    LOW = auto()
    NORMAL = 5
    URGENT = auto()


class Channel(enum.Enum):
    EMAIL = enum.auto()
    SMS = enum.auto()


class Access(Flag):
    READ = auto()
    WRITE = auto()
    ADMIN = auto()


class Bits(IntFlag):
    ONE = 1
    TWO = auto()
    EIGHT = 8
    SIXTEEN = auto()


@action
async def ticket(raw: str) -> dict[str, object]:
    return {"status": raw, "priority": 6, "channel": 2, "access": 3, "bits": 18}


@workflow
class Triage(Workflow):
    async def run(self, raw: str) -> list[object]:
        row = await ticket(raw)
        out: list[object] = [
            Priority(row["priority"]),
            Channel(row["channel"]),
            Access(row["access"]),
            Bits(row["bits"]),
            [member.value for member in Bits],
            [member.value for member in Status],
        ]
        for value in (row["status"], 4):
            try:
                out.append(Status(value))
            except ValueError as error:
                out.append(f"ValueError: {error}")
            try:
                out.append(Priority(value))
            except ValueError as error:
                out.append(f"ValueError: {error}")
        return out


@workflow
class MemberNames(Workflow):
    async def run(self, raw: str) -> list[object]:
        row = await ticket(raw)
        names = Stage.__members__
        return [
            raw.upper() in Stage.__members__,
            list(names),
            list(names.items()),
            names.get(str(row["status"]).upper(), "none"),
            len(Status.__members__),
            [member.value for member in Status.__members__.values()],
        ]
