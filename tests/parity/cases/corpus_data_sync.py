"""CRM contact sync: pages of a remote API followed by cursor until it runs dry or a page
budget is spent, records deduplicated by email (newest wins), unchanged ones skipped against
a local snapshot, and upserts sent in chunks; a rate limit pauses with a durable sleep."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from waymark import Workflow, action, workflow

PAGES: dict[str, int] = {}


def reset() -> None:
    PAGES.clear()


class Contact(TypedDict):
    email: str
    name: str
    updated: str


class Page(TypedDict):
    items: list[Contact]
    next: str | None


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


def _contact(i: int, source: str) -> Contact:
    stamp = datetime(2024, 6, 1, tzinfo=UTC) + timedelta(hours=7 * i)
    email = f"User{i % 5}@Example.com" if source != "clean" else f"user{i}@example.com"
    return {"email": email, "name": f"User {i}", "updated": stamp.isoformat()}


@action
async def fetch_page(source: str, cursor: str | None) -> Page:
    index = int(cursor or "0")
    PAGES[source] = PAGES.get(source, 0) + 1
    if source == "limited" and PAGES[source] == 2:
        raise RateLimited(30.0)
    items = [_contact(i, source) for i in range(index, index + 3)]
    more = index + 3 < (9 if source != "clean" else 6)
    return {"items": items, "next": str(index + 3) if more else None}


@action
async def local_snapshot(source: str) -> dict[str, str]:
    return {"user1@example.com": "User 1", "user3@example.com": "old name"}


@action
async def upsert(chunk: list[Contact]) -> list[str]:
    return [c["email"] for c in chunk]


def newest(a: Contact, b: Contact) -> Contact:
    return max(a, b, key=lambda c: datetime.fromisoformat(c["updated"]))


@workflow
class SyncContacts(Workflow):
    async def run(self, source: str, max_pages: int = 10, chunk: int = 2) -> dict[str, object]:
        seen: OrderedDict[str, Contact] = OrderedDict()
        cursor: str | None = None
        pages = waits = 0
        while pages < max_pages:
            try:
                page = await fetch_page(source, cursor)
            except RateLimited as limit:
                waits += 1
                await asyncio.sleep(limit.retry_after)
                continue
            pages += 1
            for item in page["items"]:
                key = item["email"].strip().lower()
                seen[key] = newest(seen[key], item) if key in seen else item
                seen.move_to_end(key)
            if (cursor := page["next"]) is None:
                break
        snapshot = await local_snapshot(source)
        changed = [c for e, c in seen.items() if snapshot.get(e) != c["name"]]
        written: list[str] = []
        for start in range(0, len(changed), chunk):
            written += await upsert(changed[start : start + chunk])
        return {
            "pages": pages,
            "waits": waits,
            "complete": cursor is None,
            "order": list(seen),
            "written": written,
            "skipped": len(seen) - len(changed),
        }


INPUTS = {
    "SyncContacts": [
        {"source": "crm"},
        {"source": "clean", "chunk": 4},
        {"source": "limited", "max_pages": 2},
        {"source": "crm", "max_pages": 0},
    ]
}
