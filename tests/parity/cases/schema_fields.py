"""Field descriptions passed to actions: the items of `Model.model_fields` and of
`dataclasses.fields(...)` reach an action as the real `FieldInfo` and `dataclasses.Field`
(what Python hands it), also when the workflow held them across an await."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from waymark import Workflow, action, workflow


class Signup(BaseModel):
    email: str = Field(description="where the receipt goes")
    plan: str = "free"
    seats: int = Field(default=1, ge=1)


@dataclass
class Invoice:
    number: str
    lines: list[str] = field(default_factory=list)
    paid: bool = False


@action
async def describe_column(name: str, info: object) -> dict[str, object]:
    return {
        "name": name,
        "kind": type(info).__name__,
        "required": info.is_required(),  # type: ignore[attr-defined]
        "annotation": info.annotation.__name__,  # type: ignore[attr-defined]
        "description": info.description,  # type: ignore[attr-defined]
        "default": repr(info.get_default(call_default_factory=True)),  # type: ignore[attr-defined]
    }


@action
async def describe_field(column: object) -> list[object]:
    assert isinstance(column, dataclasses.Field)
    missing = column.default is dataclasses.MISSING
    return [column.name, type(column).__name__, missing, column.default_factory is list]


@workflow
class ExportSchema(Workflow):
    async def run(self, table: str) -> list[object]:
        out: list[object] = []
        if table == "signups":
            for name, info in Signup.model_fields.items():
                out.append(await describe_column(name, info))
                out.append(info.description)
        else:
            for column in dataclasses.fields(Invoice):
                out.append(await describe_field(column))
                out.append(column.name)
        return out
