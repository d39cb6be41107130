"""A `@staticmethod` called on an instance (`self.clamp(x)` in a method, `rule.clamp(x)` in
the workflow) runs the static method of the instance's class, as Python looks it up: a
subclass's own first, else its base's."""

from __future__ import annotations

from dataclasses import dataclass

from waymark import Workflow, workflow


class Limit:
    def __init__(self, top: int) -> None:
        self.top = top

    @staticmethod
    def clamp(value: int, low: int = 0) -> int:
        return max(low, value)

    def apply(self, value: int) -> int:
        return min(self.top, self.clamp(value))


class Strict(Limit):
    @staticmethod
    def clamp(value: int, low: int = 1) -> int:
        return max(low, value * 2)


class Loose(Limit):
    def apply(self, value: int) -> int:
        return self.clamp(value, low=-5) + self.top


@dataclass
class Window:
    start: int
    end: int

    @staticmethod
    def distance(a: int, b: int) -> int:
        return abs(b - a)

    @property
    def width(self) -> int:
        return self.distance(self.start, self.end)


@workflow
class StaticOnInstances(Workflow):
    async def run(self, value: int) -> dict[str, object]:
        limits = [Limit(10), Strict(10), Loose(3)]
        return {
            "applied": [limit.apply(value) for limit in limits],
            "clamped": [limit.clamp(value) for limit in limits],
            "on_class": [Limit.clamp(value), Strict.clamp(value, 4)],
            "width": Window(value, 7).width,
            "distance": Window(0, 0).distance(value, -value),
        }
