"""Rate-limited CRM sync: pages of changed contacts are pulled with a cursor, each page is
pushed in parallel with `return_exceptions=True`, throttled contacts are retried after a
growing sleep, hard failures are reported, and the cursor advances only past clean pages."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from waymark import Workflow, action, workflow

ATTEMPTS: dict[str, int] = {}


def reset() -> None:
    ATTEMPTS.clear()


class Throttled(Exception):
    def __init__(self, wait: int) -> None:
        super().__init__(f"throttled for {wait}s")
        self.wait = wait


class Conflict(Exception):
    pass


@dataclass
class Page:
    items: list[str]
    next_cursor: str | None


@action
async def changed_since(cursor: str, size: int) -> Page:
    ids = [f"c{n:02d}" for n in range(1, 8)]
    start = int(cursor or "0")
    items = ids[start : start + size]
    nxt = str(start + size) if start + size < len(ids) else None
    return Page(items, nxt)


@action
async def push(contact: str, mode: str) -> str:
    ATTEMPTS[contact] = ATTEMPTS.get(contact, 0) + 1
    n = int(contact[1:])
    if mode == "strict" and n % 5 == 0:
        raise Conflict(f"{contact} was edited remotely")
    if n % 3 == 0 and ATTEMPTS[contact] <= n // 3:
        raise Throttled(n // 3)
    return f"{contact}@v{ATTEMPTS[contact]}"


@workflow
class SyncContacts(Workflow):
    async def push_page(
        self, ids: list[str], mode: str, rounds: int
    ) -> tuple[list[str], dict[str, str]]:
        done: list[str] = []
        failed: dict[str, str] = {}
        pending = list(ids)
        delay = 1
        for _ in range(rounds):
            if not pending:
                break
            results = await asyncio.gather(
                *[push(c, mode) for c in pending], return_exceptions=True
            )
            retry: list[str] = []
            for contact, result in zip(pending, results, strict=True):
                if isinstance(result, Throttled):
                    retry.append(contact)
                    delay = max(delay, result.wait)
                elif isinstance(result, BaseException):
                    failed[contact] = f"{type(result).__name__}: {result}"
                else:
                    done.append(result)
            pending = retry
            if pending:
                await asyncio.sleep(delay)
                delay *= 2
        for contact in pending:
            failed[contact] = "gave up"
        return done, failed

    async def run(self, mode: str = "lenient", size: int = 3, rounds: int = 3) -> dict[str, object]:
        if size <= 0:
            raise ValueError(f"page size must be positive, got {size}")
        cursor = ""
        committed = cursor
        pushed: list[str] = []
        problems: dict[str, str] = {}
        pages = 0
        while True:
            page = await changed_since(cursor, size)
            pages += 1
            done, failed = await self.push_page(page.items, mode, rounds)
            pushed += done
            problems |= failed
            if not failed:
                committed = page.next_cursor or committed
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        return {
            "pages": pages,
            "pushed": pushed,
            "problems": dict(sorted(problems.items())),
            "cursor": committed,
        }


INPUTS = {
    "SyncContacts": [
        {},
        {"mode": "strict"},
        {"mode": "lenient", "size": 7, "rounds": 2},
        {"size": 0},
    ]
}
