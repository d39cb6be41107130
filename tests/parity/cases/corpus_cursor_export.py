"""Exporting a CRM's contacts through its cursor-paginated API: pages are fetched until the
cursor runs out (with a safety cap), a 429 answer backs off durably and retries the same
cursor, records are deduplicated and merged by email, and the export is written as JSON
lines with a base64 checksum."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from datetime import datetime

from waymark import Workflow, action, workflow

PAGE_LIMIT = 25


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


_HITS: dict[str, int] = {}


def reset() -> None:
    _HITS.clear()


@action
async def list_contacts(cursor: str | None, limit: int) -> dict[str, object]:
    key = cursor or "start"
    _HITS[key] = _HITS.get(key, 0) + 1
    if key == "c2" and _HITS[key] == 1:
        raise RateLimited(1.5)
    page = int(key[1:]) if cursor else 0
    people = [
        {
            "id": page * 10 + i,
            "email": f"User{(page * 3 + i) % 7}@Corp.example",
            "updated": f"2024-0{1 + (page + i) % 9}-1{i}T08:00:00+00:00",
            "tags": ["lead"] if i % 2 else [],
        }
        for i in range(min(limit, 3))
    ]
    return {"data": people, "next": f"c{page + 1}" if page < 3 else None}


@action
async def write_export(name: str, lines: list[str]) -> dict[str, object]:
    blob = "\n".join(lines).encode()
    return {
        "name": name,
        "bytes": len(blob),
        "sha": base64.b64encode(hashlib.sha1(blob).digest()).decode(),
    }


def merge(current: dict[str, object] | None, incoming: dict[str, object]) -> dict[str, object]:
    if current is None:
        return incoming
    newer = datetime.fromisoformat(str(incoming["updated"])) > datetime.fromisoformat(
        str(current["updated"])
    )
    winner, other = (incoming, current) if newer else (current, incoming)
    tags = sorted({*winner["tags"], *other["tags"]})  # type: ignore[misc]
    return {
        **winner,
        "tags": tags,
        "ids": sorted({*current.get("ids", [current["id"]]), incoming["id"]}),
    }  # type: ignore[misc]


@workflow
class ExportContacts(Workflow):
    async def run(self, max_pages: int = 10, limit: int = PAGE_LIMIT) -> dict[str, object]:
        cursor: str | None = None
        contacts: dict[str, dict[str, object]] = {}
        pages = waits = 0
        while pages < max_pages:
            try:
                page = await list_contacts(cursor, limit)
            except RateLimited as error:
                waits += 1
                await asyncio.sleep(error.retry_after)
                continue
            pages += 1
            for person in page["data"]:
                key = person["email"].casefold()
                contacts[key] = merge(contacts.get(key), person)
            if (cursor := page["next"]) is None:
                break
        lines = [
            json.dumps(c, sort_keys=True, separators=(",", ":"))
            for _, c in sorted(contacts.items())
        ]
        receipt = await write_export("contacts.jsonl", lines)
        return {
            "pages": pages,
            "waits": waits,
            "complete": cursor is None,
            "unique": len(contacts),
            "receipt": receipt,
            "sample": json.loads(lines[0]) if lines else None,
            "pretty": json.dumps(contacts.get("user3@corp.example"), indent=2)[:80],
        }


INPUTS = {"ExportContacts": [{}, {"max_pages": 2, "limit": 2}]}
