"""Module-level tables (dicts, lists and sets of constants) read by a workflow, and a
module-level template string filled with `str.format`."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow

TEMPLATES = {"en": "Hello %s", "fr": "Bonjour %s", "de": "Hallo %s"}
FALLBACKS = {"sms": ["email"], "push": ["sms", "email"], "email": []}
BLOCKED = {"root", "admin"}
STEPS = ["draft", "review", "publish"]
PATH = "exports/{table}/{day}.csv"


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
