"""Classes in a workflow's result: the types of a dataclass's fields (this module does not
postpone annotations, so each `Field.type` is the class itself) reach the caller as the real
classes — builtin, standard and the module's own — not as the runtime's stand-in."""

import enum
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from pathlib import PurePosixPath

from waymark import Workflow, action, workflow


class Grade(enum.Enum):
    LOW = 1
    HIGH = 2


@dataclass
class Tag:
    label: str


@dataclass
class Item:
    name: str
    qty: int
    price: Decimal
    seen: datetime
    grade: Grade
    tag: Tag


@action
async def item_names() -> list[str]:
    return [f.name for f in fields(Item)]


@workflow
class FieldTypes(Workflow):
    async def run(self) -> list[object]:
        names = await item_names()
        types = {f.name: f.type for f in fields(Item)}
        return [[types[name] for name in names], (types["grade"], "grade")]


@dataclass
class Located:
    where: PurePosixPath


@workflow
class ForeignFieldType(Workflow):
    """Returns a class the runtime may not name (neither builtin, standard nor the user's
    model, dataclass, enum or exception): the caller gets a clear refusal, not a stand-in."""

    async def run(self) -> object:
        return [f.type for f in fields(Located)]
