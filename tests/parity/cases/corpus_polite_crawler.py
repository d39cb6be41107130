"""A polite link checker: pages fetched in batches no wider than the host's concurrency
allowance, each fetch bounded by `asyncio.wait_for`, failures gathered as values
(`return_exceptions=True`) and classified, with a durable pause between batches."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from waymark import Workflow, action, workflow

FETCH_TIMEOUT = 0.5
PAUSE_SECONDS = 0.05


class HttpError(Exception):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{status} for {url}")
        self.status = status


@dataclass
class CrawlState:
    seen: set[str] = field(default_factory=set)
    ok: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)
    batches: int = 0


@action
async def fetch(url: str) -> list[str]:
    path = urlsplit(url).path
    if path.endswith("/slow"):
        await asyncio.sleep(3)
    if path.endswith("/gone"):
        raise HttpError(url, 410)
    if "/missing" in path:
        raise HttpError(url, 404)
    if path.count("/") > 3:
        return []
    return [f"{path.rstrip('/')}/{child}" for child in ("a", "slow", "gone", "../missing")]


def classify(error: BaseException) -> str:
    match error:
        case TimeoutError():
            return "timeout"
        case HttpError(status=status) if status >= 500:
            return "server"
        case HttpError(status=410):
            return "gone"
        case HttpError():
            return f"client {error.status}"
        case _:
            return type(error).__name__


@workflow
class CheckLinks(Workflow):
    async def fetch_bounded(self, url: str) -> list[str]:
        return await asyncio.wait_for(fetch(url), timeout=FETCH_TIMEOUT)

    async def run(self, start: str, concurrency: int = 3, max_pages: int = 9) -> dict[str, object]:
        state = CrawlState()
        host = urlsplit(start).netloc
        frontier = [start]
        while frontier and len(state.seen) < max_pages:
            batch = [u for u in frontier[:concurrency] if u not in state.seen]
            frontier = frontier[concurrency:]
            state.seen.update(batch)
            results = await asyncio.gather(
                *(self.fetch_bounded(u) for u in batch), return_exceptions=True
            )
            state.batches += 1
            for url, result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    state.broken[url] = classify(result)
                    continue
                state.ok.append(url)
                for link in result:
                    absolute = urljoin(url + "/", link)
                    if urlsplit(absolute).netloc == host and absolute not in state.seen:
                        frontier.append(absolute)
            if frontier:
                await asyncio.sleep(PAUSE_SECONDS)
        return {
            "ok": sorted(state.ok),
            "broken": dict(sorted(state.broken.items())),
            "batches": state.batches,
            "left": len(frontier),
        }
