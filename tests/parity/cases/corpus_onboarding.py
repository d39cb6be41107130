"""Employee onboarding: a roster import validated with pydantic, names and emails normalised,
accounts created per system in parallel with per-system retry, a start date moved past
weekends and holidays, and a checklist of what remains."""

from __future__ import annotations

import asyncio
import string
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator

from waymark import RetryPolicy, Workflow, action, workflow

HOLIDAYS = frozenset({date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)})
ATTEMPTS: dict[str, int] = {}


def reset() -> None:
    ATTEMPTS.clear()


class Level(IntEnum):
    INTERN = 1
    ENGINEER = 2
    SENIOR = 3
    STAFF = 4


class Hire(BaseModel):
    full_name: str
    email: str
    team: str
    level: Level = Level.ENGINEER
    start: date

    @field_validator("email")
    @classmethod
    def check_email(cls, value: str) -> str:
        local, at, domain = value.strip().lower().partition("@")
        if not at or "." not in domain:
            raise ValueError("not an email address")
        return f"{local}@{domain}"


class AccountError(Exception):
    pass


@dataclass(order=True)
class Account:
    system: str
    login: str


@action
async def create_account(system: str, login: str) -> Account:
    key = f"{system}:{login}"
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if system == "vpn" and ATTEMPTS[key] < 2:
        raise ConnectionResetError("vpn controller busy")
    if system == "github" and login.startswith("zz"):
        raise AccountError(f"github login {login} is reserved")
    return Account(system, login)


@action
async def schedule_orientation(login: str, day: date) -> str:
    return f"{login} on {day:%A %d %B}"


def ascii_login(full_name: str) -> str:
    folded = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    parts = [p for p in folded.lower().split() if p.strip(string.punctuation)]
    first, *_, last = parts if len(parts) > 1 else parts * 2
    return (first[0] + last).translate(str.maketrans("", "", string.punctuation))[:12]


def first_working_day(day: date) -> date:
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += timedelta(days=1)
    return day


SYSTEMS_BY_LEVEL = {
    Level.INTERN: ["email", "slack"],
    Level.ENGINEER: ["email", "slack", "github", "vpn"],
}


@workflow
class OnboardHires(Workflow):
    async def onboard(self, hire: Hire) -> dict[str, Any]:
        login = ascii_login(hire.full_name)
        systems = SYSTEMS_BY_LEVEL.get(hire.level, SYSTEMS_BY_LEVEL[Level.ENGINEER] + ["prod-ro"])
        results = await asyncio.gather(
            *[
                self.run_action(
                    create_account(s, login),
                    retry=RetryPolicy(attempts=3, exception_types=[ConnectionError]),
                )
                for s in systems
            ],
            return_exceptions=True,
        )
        made = sorted(r for r in results if isinstance(r, Account))
        missing = [
            f"{s}: {r}"
            for s, r in zip(systems, results, strict=True)
            if isinstance(r, BaseException)
        ]
        start = first_working_day(hire.start)
        orientation = await schedule_orientation(
            login, start + timedelta(days=(7 - start.weekday()) % 7 or 7)
        )
        return {
            "login": login,
            "title": f"{hire.level.name.title()} ({hire.level:d}), {hire.team.upper()}",
            "accounts": [a.system for a in made],
            "todo": missing,
            "start": start.isoformat(),
            "orientation": orientation,
        }

    async def run(self, roster: list[dict[str, Any]]) -> dict[str, Any]:
        hires: list[Hire] = []
        invalid: dict[int, list[str]] = {}
        for row_number, row in enumerate(roster, start=1):
            try:
                hires.append(Hire.model_validate(row))
            except ValidationError as error:
                invalid[row_number] = sorted(".".join(map(str, e["loc"])) for e in error.errors())
        done = [await self.onboard(h) for h in sorted(hires, key=lambda h: (-h.level, h.full_name))]
        return {"onboarded": done, "invalid": invalid, "teams": sorted({h.team for h in hires})}


ROSTER = [
    {
        "full_name": "José Álvarez-Núñez",
        "email": " Jose.Alvarez@Example.com ",
        "team": "data",
        "start": "2024-12-24",
    },
    {
        "full_name": "Mei",
        "email": "mei@example.org",
        "team": "infra",
        "level": 4,
        "start": "2024-12-28",
    },
    {
        "full_name": "Zz Top",
        "email": "zz@example.org",
        "team": "web",
        "level": 1,
        "start": "2025-01-01",
    },
    {"full_name": "No Email", "email": "nobody", "team": "web", "start": "2025-01-02"},
    {
        "full_name": "Bad Level",
        "email": "b@example.org",
        "team": "web",
        "level": 9,
        "start": "someday",
    },
]

INPUTS = {"OnboardHires": [{"roster": ROSTER}, {"roster": []}]}
