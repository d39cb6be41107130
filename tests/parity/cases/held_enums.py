"""An enum class held in a variable looks members up as the class does: by name
(`held["RED"]`), never by position (`held[0]` is a `KeyError`, as `Color[0]` is), by value
when called, and iterates, counts and tests membership as the class."""

from __future__ import annotations

import enum

from waymark import Workflow, action, workflow


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@action
async def pick(name: str) -> str:
    return name


@workflow
class HeldEnumLookups(Workflow):
    async def run(self, name: str, warm: bool) -> object:
        held = Color if not warm else Level
        found = held[await pick(name)]
        out: list[object] = [found, held(2), len(held), list(held), found in held]
        for key in (0, 1, "NOPE", -1):
            try:
                out.append(held[key])
            except KeyError as error:
                out.append(repr(error))
        return out
