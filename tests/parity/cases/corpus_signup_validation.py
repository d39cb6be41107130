"""Bulk sign-up import with pydantic: rows from a CSV upload are validated into models
(field validators, computed defaults, enums, email normalisation), invalid rows are collected
with pydantic's own error locations, valid accounts created through an action that takes and
returns models, and a summary model returned."""

from __future__ import annotations

import csv
import io
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError, field_validator

from waymark import Workflow, action, workflow


class Plan(str, Enum):  # noqa: UP042 (a str mixin, as pydantic code often writes it)
    FREE = "free"
    TEAM = "team"
    ENTERPRISE = "enterprise"


class SignUp(BaseModel):
    email: str
    name: Annotated[str, Field(min_length=2, max_length=40)]
    seats: int = Field(default=1, ge=1, le=500)
    plan: Plan = Plan.FREE
    tags: list[str] = []

    @field_validator("email")
    @classmethod
    def normalise_email(cls, value: str) -> str:
        local, sep, domain = value.strip().partition("@")
        if not sep or "." not in domain:
            raise ValueError("not an email address")
        return f"{local}@{domain.lower()}"


class Account(BaseModel):
    id: str
    email: str
    plan: Plan
    monthly_cents: int


class ImportSummary(BaseModel):
    created: list[Account]
    rejected: dict[int, list[str]]
    seats_by_plan: dict[str, int]


PRICES = {Plan.FREE: 0, Plan.TEAM: 800, Plan.ENTERPRISE: 2500}


@action
async def download(upload_id: str) -> str:
    return (
        "email,name,seats,plan,tags\n"
        "Ann@Example.COM,Ann Lee,3,team,beta;vip\n"
        "bob-at-example,Bob,1,free,\n"
        "cy@example.org,C,0,team,\n"
        "dee@example.org,Dee Dee,12,enterprise,sso\n"
        "eve@example.org,Eve,two,gold,\n"
        "  fay@Example.Org ,Fay,,,\n"
    )


@action
async def create_account(signup: SignUp) -> Account:
    handle = signup.email.split("@")[0].lower()
    return Account(
        id=f"acc_{handle}",
        email=signup.email,
        plan=signup.plan,
        monthly_cents=PRICES[signup.plan] * signup.seats,
    )


def clean(row: dict[str, str]) -> dict[str, object]:
    data: dict[str, object] = {k: v for k, v in row.items() if v}
    if tags := row.get("tags"):
        data["tags"] = tags.split(";")
    return data


@workflow
class ImportSignups(Workflow):
    async def run(self, upload_id: str) -> ImportSummary:
        text = await download(upload_id)
        created: list[Account] = []
        rejected: dict[int, list[str]] = {}
        seats: dict[str, int] = {}
        for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            try:
                signup = SignUp.model_validate(clean(row))
            except ValidationError as error:
                rejected[line] = [
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
                ]
                continue
            account = await create_account(signup)
            created.append(account)
            seats[account.plan.value] = seats.get(account.plan.value, 0) + signup.seats
        return ImportSummary(created=created, rejected=rejected, seats_by_plan=seats)


INPUTS = {"ImportSignups": [{"upload_id": "up-1"}]}
