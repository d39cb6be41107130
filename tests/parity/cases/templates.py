"""`string.Template`: `substitute` from a mapping and keywords (keywords win), `safe_substitute`
leaving unknown placeholders, `$$`, `${name}`, values written as `str()` writes them (enum
members, models), Python's `KeyError` and `ValueError`, a template kept across an await and
passed to an action."""

from __future__ import annotations

import string
from enum import Enum
from string import Template

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Tier(Enum):
    GOLD = "gold"


class Seat(BaseModel):
    row: int


@action
async def count_for(user: str) -> int:
    return len(user)


@action
async def render(template: Template, user: str) -> str:
    return template.substitute(user=user, n=0)


@workflow
class Greetings(Workflow):
    async def run(self, user: str, case: str) -> list:
        note = string.Template("$user has ${n} items (${tier}), $$5 off")
        n = await count_for(user)
        if case == "ok":
            return [
                note.substitute(user=user, n=n, tier=Tier.GOLD),
                note.substitute({"user": "x", "n": [n], "tier": Seat(row=n)}, user="kw"),
                note.safe_substitute(user=user),
                note.safe_substitute({"n": n}),
                note.template,
                note.get_identifiers(),
                note.is_valid(),
                await render(Template("$user/$n"), user),
                Template("${a}${a}").substitute(a=1.5),
            ]
        if case == "missing":
            return [note.substitute(user=user, n=n)]
        return [Template("cost: $").substitute({})]
