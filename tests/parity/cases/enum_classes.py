"""An enum class reached as a value (`type(member)`, a dataclass field's type, a variable
holding the class) does what the class named in the code does: `len`, iteration, `in`,
lookup by value (`kind(2)`) and by name (`kind["RED"]`), `list`, equality with the class
named in the code; and `is` between variables that hold classes (`kind is other`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields

from waymark import Workflow, action, workflow


@action
async def ping(value: int) -> int:
    return value


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    CRIMSON = 1


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 5


@dataclass
class Item:
    color: Color
    level: Level


@workflow
class EnumValues(Workflow):
    async def run(self, value: int, name: str) -> list[object]:
        kind = type(Color.GREEN)
        field_type = fields(Item)[1].type
        held = Color if value else Level
        await ping(value)  # what they hold is saved with the state
        try:
            looked = kind(value).name
        except ValueError as error:
            looked = f"ValueError: {error}"
        try:
            named = kind[name].value
        except KeyError as error:
            named = f"KeyError: {error}"
        return [
            len(kind),
            [m.name for m in kind],
            Color.RED in kind,
            Level.LOW in kind,
            looked,
            named,
            list(held),
            field_type == Level,
            kind is Color,
            held is kind,
            kind == Color,
            Color != kind,
            held[name].name if name in ("RED", "CRIMSON", "HIGH") else None,
            held(1).name,
        ]


@workflow
class ClassIdentity(Workflow):
    async def run(self, first: object, second: object) -> list[object]:
        kind = type(first)
        other = type(second) if second is not None else type(first)
        return [
            kind is other,
            kind is not other,
            other is kind,
            kind is type(Level.LOW),
            type(first) is kind,
            kind == other,
        ]
