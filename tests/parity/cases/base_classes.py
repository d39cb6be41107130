"""`isinstance` with the base classes of user classes: `Enum`, `IntEnum`, `StrEnum` (a member is
an instance of its enum's bases, as its class says) and pydantic's `BaseModel`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from enum import Enum, IntEnum, StrEnum

from pydantic import BaseModel

from waymark import Workflow, workflow


class Color(Enum):
    RED = 1


class Prio(IntEnum):
    LOW = 1


class Tier(StrEnum):
    PRO = "pro"


class Item(BaseModel):
    x: int


@dataclass
class Row:
    y: int


@workflow
class Isi(Workflow):
    async def run(self) -> list:
        out = []
        for v in [Color.RED, Prio.LOW, Tier.PRO, Item(x=1), Row(1), 1, "s"]:
            out.append(
                [
                    isinstance(v, Enum),
                    isinstance(v, IntEnum),
                    isinstance(v, StrEnum),
                    isinstance(v, BaseModel),
                    isinstance(v, enum.Enum),
                    isinstance(v, (int, BaseModel)),
                ]
            )
        return out
