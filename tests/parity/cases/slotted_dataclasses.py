"""A `@dataclass(slots=True)` constructed in `run()`, its method called and its fields changed
across an await (a frozen one refuses it): what a workflow takes in place of a plain class with
`__slots__` (refused)."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import Workflow, action, workflow


@dataclass(slots=True)
class Point:
    x: int
    y: int

    def moved(self, dx: int) -> Point:
        return Point(self.x + dx, self.y)


@dataclass(frozen=True, slots=True)
class Pin:
    name: str


@action
async def double(n: int) -> int:
    return n * 2


@workflow
class SlottedPoints(Workflow):
    async def run(self, n: int) -> list[object]:
        point = Point(n, 1)
        point.y = await double(point.x)
        moved = point.moved(3)
        pin = Pin("a")
        try:
            pin.name = "b"  # type: ignore[misc]
        except AttributeError as error:
            refused = [type(error).__name__, str(error)]
        return [point.x, point.y, moved, moved == Point(n + 3, 2 * n), pin, refused]
