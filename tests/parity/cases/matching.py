"""match statements: literals, captures, sequences, mappings, classes, guards, or-patterns."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

from waymark import Workflow, action, workflow


class Shape(Enum):
    CIRCLE = "circle"
    SQUARE = "square"


@dataclass
class Event:
    kind: str
    amount: int


@action
async def load(value: object) -> object:
    return value


@action
async def event(kind: str, amount: int) -> Event:
    return Event(kind, amount)


@workflow
class MatchLiterals(Workflow):
    async def run(self, value: object) -> str:
        loaded = await load(value)
        match loaded:
            case 0 | 1:
                return "tiny"
            case "hello":
                return "greeting"
            case None:
                return "nothing"
            case True:
                return "true"
            case int(n) if n > 100:
                return f"big {n}"
            case int() | float():
                return f"number {loaded}"
            case _:
                return "other"


@workflow
class MatchSequences(Workflow):
    async def run(self, value: list[object]) -> str:
        loaded = await load(value)
        match loaded:
            case []:
                return "empty"
            case [x]:
                return f"one {x}"
            case [first, *middle, last] if len(middle) > 1:
                return f"long {first}..{last} ({len(middle)})"
            case [a, b, *_]:
                return f"starts {a},{b}"
        return "unreachable"


@workflow
class MatchDeques(Workflow):
    """A deque is a sequence to `match`, as a list is: its items bind, `*rest` takes a list."""

    async def run(self, items: list[int]) -> list[str]:
        queue = deque(items)
        seen = []
        while queue:
            match queue:
                case [only]:
                    seen.append(f"last {only}")
                case [head, *rest] if head < 0:
                    seen.append(f"skip {head}, {len(rest)} left {rest}")
                case [first, second, *_]:
                    seen.append(f"pair {first},{second}")
            queue = await load(deque(list(queue)[1:]))
        match queue:
            case []:
                seen.append("empty")
        return seen


@workflow
class MatchMappings(Workflow):
    async def run(self, value: dict[str, object]) -> str:
        loaded = await load(value)
        match loaded:
            case {"type": "user", "name": str(name)}:
                return f"user {name}"
            case {"type": "order", "items": [_, *_] as items, **rest}:
                return f"order of {len(items)} with {sorted(rest)}"
            case {"type": kind}:
                return f"unknown {kind}"
            case _:
                return "no type"


@workflow
class MatchClasses(Workflow):
    async def run(self, kind: str, amount: int, shape: str) -> list[str]:
        loaded = await event(kind, amount)
        out = []
        match loaded:
            case Event(kind="refund", amount=a) if a > 10:
                out.append(f"big refund {a}")
            case Event("charge", a):
                out.append(f"charge {a}")
            case Event():
                out.append("other event")
        chosen = Shape.CIRCLE if shape == "c" else Shape.SQUARE
        match chosen:
            case Shape.CIRCLE:
                out.append("round")
            case Shape.SQUARE:
                out.append("square")
        return out
