"""What a model's or dataclass's class says about its instances, followed as Python does:
`field(compare=False)`, `eq=False`, `hash=False` with `unsafe_hash`, `repr=False` (dataclass and
pydantic), computed fields in `repr`, and a class's own `__eq__` and `__hash__`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pydantic import BaseModel, Field, computed_field

from waymark import Workflow, action, workflow


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    label: str = field(default="", compare=False)


@dataclass(eq=False)
class Handle:
    name: str


@dataclass(unsafe_hash=True)
class Loose:
    key: int
    notes: list[str] = field(default_factory=list, hash=False, compare=False)


@dataclass
class Secret:
    user: str
    token: str = field(default="tok", repr=False)


@dataclass(frozen=True)
class Tag:
    key: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tag) and self.key.lower() == other.key.lower()

    def __hash__(self) -> int:
        return hash(self.key.lower())


class User(BaseModel):
    name: str
    password: str = Field(default="secret", repr=False)


class Box(BaseModel):
    w: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def area(self) -> int:
        return self.w * self.w


class Sku(BaseModel):
    code: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sku) and self.code.upper() == other.code.upper()


@action
async def echo_tag(tag: Tag) -> Tag:
    return tag


@workflow
class ClassSemantics(Workflow):
    async def run(self, label: str) -> list[object]:
        a, b = Version(1, 2, label), Version(1, 2, "other")
        newest = max([Version(1, 3, "x"), Version(1, 3, "y"), Version(0, 9)])
        h = Handle("a")
        tag = await echo_tag(Tag(label.upper()))
        await asyncio.sleep(0)
        return [
            a == b, len({a, b}), a < Version(1, 3), newest.label,
            h == Handle("a"), h == h, len({Loose(1, ["x"]), Loose(1, ["y"])}),
            repr(Secret("bob")), str(Secret("bob")), f"{Secret('ann')}",
            repr(User(name="ann")), str(User(name="ann")), repr(Box(w=3)), str(Box(w=3)),
            tag == Tag(label), Tag(label) in {tag}, Sku(code="ab") == Sku(code="AB"),
            Sku(code="ab") in [Sku(code="AB")],
        ]  # fmt: skip
