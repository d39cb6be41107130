"""Rate-limited SMS fan-out: recipients are deduplicated and normalised, split into batches
with itertools, each batch sent concurrently with per-recipient failures collected, a durable
pause between batches sized from a token-bucket budget, and permanent failures retried once
through a fallback provider."""

from __future__ import annotations

import asyncio
import math
import re
from itertools import chain, islice, zip_longest

from waymark import Workflow, action, workflow

E164 = re.compile(r"^\+?(\d{10,14})$")
PER_SECOND = 4


class InvalidNumber(Exception):
    pass


class ProviderDown(Exception):
    pass


@action
async def send_sms(number: str, text: str, provider: str = "primary") -> str:
    if number.endswith("13"):
        raise InvalidNumber(number)
    if number.endswith("7") and provider == "primary":
        raise ProviderDown(f"{provider} 503")
    return f"{provider}:{number[-4:]}"


def normalise(raw: str) -> str | None:
    digits = re.sub(r"[\s().-]", "", raw)
    if (match := E164.match(digits)) is None:
        return None
    return "+" + match.group(1)


def batches(numbers: list[str], size: int) -> list[list[str]]:
    it = iter(numbers)
    out = []
    while chunk := list(islice(it, size)):
        out.append(chunk)
    return out


@workflow
class BroadcastSms(Workflow):
    async def run(self, recipients: list[str], text: str, batch_size: int = 3) -> dict[str, object]:
        seen: dict[str, None] = {}
        rejected = []
        for raw in recipients:
            if (number := normalise(raw)) is None:
                rejected.append(raw)
            else:
                seen.setdefault(number)
        numbers = list(seen)
        delivered: list[str] = []
        retry: list[str] = []
        invalid: list[str] = []
        waited = 0.0
        groups = batches(numbers, batch_size)
        for index, group in enumerate(groups):
            results = await asyncio.gather(
                *[send_sms(n, text) for n in group], return_exceptions=True
            )
            for number, result in zip(group, results, strict=True):
                match result:
                    case str():
                        delivered.append(result)
                    case InvalidNumber():
                        invalid.append(number)
                    case ProviderDown():
                        retry.append(number)
                    case _:
                        raise result
            if index < len(groups) - 1:
                pause = math.ceil(len(group) / PER_SECOND * 10) / 10
                waited += pause
                await asyncio.sleep(pause)
        fallback = [await send_sms(n, text, provider="backup") for n in retry]
        columns = list(zip_longest(delivered, fallback, invalid, fillvalue="-"))
        return {
            "delivered": delivered,
            "fallback": fallback,
            "invalid": invalid,
            "rejected": rejected,
            "waited": round(waited, 2),
            "segments": math.ceil(len(text.encode("utf-8")) / 153),
            "table": ["|".join(f"{c:<12}" for c in row) for row in columns],
            "all": sorted(chain.from_iterable([delivered, fallback])),
        }


INPUTS = {
    "BroadcastSms": [
        {
            "recipients": [
                "+49 (151) 234-5670",
                "4915123456713",
                "+49151 2345 6707",
                "0049 151",
                "+491512345670",
                "+1 (415) 555-0199",
                "+44 20 7946 0957",
                "+1-202-555-0113",
                "12345678901",
            ],
            "text": "Your parcel is on the way 🚚 — track it at https://t.example/x",
        },
        {"recipients": [], "text": "x"},
        {"recipients": ["+1 415 555 0100"] * 3, "text": "é" * 80, "batch_size": 1},
    ]
}
