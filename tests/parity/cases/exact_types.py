"""`type(x) is T`, `type(x) == T`, `type(x) in (T, U)` and their negations: the exact class of a
value (an exception from an action, a dataclass and its subclass, an enum member, plain values),
not `isinstance`'s subclasses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from waymark import Workflow, action, workflow


class AppError(Exception): ...


class NotFound(AppError): ...


@dataclass
class Base:
    x: int


@dataclass
class Child(Base):
    pass


class Color(Enum):
    RED = 1


@action
async def fail(kind: str) -> None:
    raise NotFound("gone") if kind == "nf" else AppError("bad")


@workflow
class Types(Workflow):
    async def run(self, kind: str) -> list:
        out = []
        try:
            await fail(kind)
        except AppError as error:
            out += [type(error) is NotFound, type(error) == AppError, type(error) is not AppError]  # noqa: E721
        for v in [1, 1.5, "s", True, None, [1], {"a": 1}, (1,), Base(1), Child(1), Color.RED]:
            out.append(
                [
                    type(v) is int,
                    type(v) in (int, float),
                    type(v) == dict,  # noqa: E721
                    type(v) is Base,
                    type(v) is not Child,
                    type(v) is Color,
                    type(v) not in (str, list),
                ]
            )
        return out
