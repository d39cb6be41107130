"""An enum class named in a workflow and used as a value: passed to an action, which receives
the class itself, and returned, alone or inside a container."""

from __future__ import annotations

import enum

from waymark import Workflow, action, workflow


class Color(enum.Enum):
    RED = 1
    BLUE = 2


@action
async def describe(kind: type[Color]) -> list[object]:
    return [[member.name for member in kind], kind.RED.value, kind is Color, kind.__name__]


@workflow
class EnumClassToAction(Workflow):
    async def run(self) -> list[object]:
        return await describe(Color)


@workflow
class EnumClassReturned(Workflow):
    async def run(self, inside: bool) -> object:
        kinds = [Color, Color]
        names = await describe(kinds[0])  # a resume keeps the class a value of the run
        if inside:
            return {"kind": kinds[1], "names": names, "count": len(Color)}
        return kinds[1]
