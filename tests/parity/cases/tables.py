"""Module-level tables (dicts, lists and sets of constants, enum members among them) read by a
workflow, constants bound together (`LOW, HIGH = 2, 40`), and a module-level template string
filled with `str.format`."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from enum import StrEnum

from waymark import Workflow, action, workflow

TEMPLATES = {"en": "Hello %s", "fr": "Bonjour %s", "de": "Hallo %s"}
FALLBACKS = {"sms": ["email"], "push": ["sms", "email"], "email": []}
BLOCKED = {"root", "admin"}
STEPS = ["draft", "review", "publish"]
PATH = "exports/{table}/{day}.csv"


class Tier(StrEnum):
    MEMBER = "member"
    GOLD = "gold"
    PREMIUM = "gold"  # an alias: Tier.GOLD


LOW, HIGH = 2, 40
BONUS = {Tier.MEMBER: 0.0, Tier.GOLD: 0.5}
LIMITS = {Tier.MEMBER: Decimal("75"), Tier.PREMIUM: Decimal("250.50")}
LADDER = [(Tier.MEMBER, 0), (Tier.GOLD, 10)]
DEFAULT_TIER = Tier.PREMIUM


@action
async def deliver(channel: str, text: str) -> bool:
    return channel == "email" or len(text) % 2 == 0


@workflow
class Tables(Workflow):
    async def run(self, locale: str, name: str, channel: str) -> list[object]:
        text = TEMPLATES.get(locale, TEMPLATES["en"]) % name
        tried = []
        for candidate in [channel, *FALLBACKS.get(channel, [])]:
            tried.append(candidate)
            if await deliver(candidate, text):
                break
        mine = dict(TEMPLATES)
        mine["xx"] = "changed"
        await asyncio.sleep(0)
        return [
            text,
            tried,
            name in BLOCKED,
            sorted(BLOCKED),
            STEPS.index("review"),
            [step.upper() for step in STEPS],
            len(mine),
            len(TEMPLATES),
            PATH.format(table="orders", day=locale),
        ]


@action
async def tier_of(name: str) -> Tier:
    return Tier.GOLD if name.startswith("g") else Tier.MEMBER


@workflow
class EnumTables(Workflow):
    async def run(self, name: str, nights: int) -> list[object]:
        tier = await tier_of(name)
        reached = [t for t, needed in LADDER if nights >= needed]
        return [
            max(LOW, min(HIGH, nights)),
            BONUS[tier],
            LIMITS.get(tier),
            reached[-1] == tier,
            DEFAULT_TIER is tier,
            sorted(BONUS.items()),
            {t.value: limit * 2 for t, limit in LIMITS.items()},
        ]
