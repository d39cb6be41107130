"""`Model.model_fields` of a pydantic model class, read as pydantic gives it: CSV headers from
its keys, `len`, `in`, and the data each field's `FieldInfo` holds, also across an await."""

from __future__ import annotations

from pydantic import BaseModel, Field

from waymark import Workflow, action, workflow


class User(BaseModel):
    name: str = Field(description="full name")
    email: str = Field(default="", alias="mail")
    age: int = 0


@action
async def write_csv(header: str, rows: list[list[str]]) -> int:
    return len(header) + len(rows)


@workflow
class CsvHeaders(Workflow):
    async def run(self, column: str) -> object:
        fields = User.model_fields
        headers = list(fields)
        written = await write_csv(",".join(headers), [[column]])
        info = fields["name"]
        return [
            headers,
            written,
            len(User.model_fields),
            column in User.model_fields,
            sorted(User.model_fields.keys()),
            [name for name, field in fields.items() if field.alias],
            info.description,
            fields["email"].alias,
            fields["age"].default,
            fields["age"].annotation.__name__,
            info == User.model_fields["name"],
            info == fields["email"],
        ]
