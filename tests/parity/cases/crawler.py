"""A polite crawler: a breadth-first walk of one site whose queue lives across awaits, links
resolved with `urljoin` and sorted out with `urlparse` (fields, `hostname`, `port`, `geturl()`)
and `parse_qs`, a parsed URL kept across an await and passed to an action."""

from __future__ import annotations

import asyncio
import re
from collections import Counter, deque
from typing import Any
from urllib.parse import ParseResult, parse_qs, urljoin, urlparse, urlsplit

from waymark import Workflow, action, workflow

SITE = {
    "https://ex.test/": '<a href="/a?page=2&page=3">A</a> <a href="https://other.test/x">X</a>',
    "https://ex.test/a?page=2&page=3": '<a href="/a/1#top">1</a> <a href="/gone">?</a>',
    "https://ex.test/a/1": "leaf",
}
LINK = re.compile(r'href="([^"]+)"')


class HttpError(Exception):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"GET {url} -> {status}")
        self.status = status


@action
async def fetch(url: str) -> str:
    if url not in SITE:
        raise HttpError(url, 404)
    return SITE[url]


@action
async def record(page: ParseResult) -> str:
    return f"{page.path}:{page.hostname}"


@workflow
class Crawl(Workflow):
    async def run(self, start: str, max_pages: int = 10) -> dict[str, Any]:
        home = urlparse(start)
        queue = deque([start])
        seen = {start}
        visited: list[str] = []
        errors: Counter[int] = Counter()
        pages: list[int] = []
        while queue and len(visited) < max_pages:
            url = queue.popleft()
            parsed = urlparse(url)
            await asyncio.sleep(0.01)
            try:
                html = await fetch(parsed._replace(fragment="").geturl())
            except HttpError as exc:
                errors[exc.status] += 1
                continue
            visited.append(await record(parsed))
            pages += [int(p) for p in parse_qs(parsed.query).get("page", [])]
            for href in LINK.findall(html):
                link = urljoin(url, href)
                if urlsplit(link).hostname != home.hostname or link in seen:
                    continue
                seen.add(link)
                queue.append(link)
        return {"visited": visited, "errors": dict(errors), "pages": pages, "port": home.port}
