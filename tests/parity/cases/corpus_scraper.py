"""A price scraper: pages fetched breadth-first with a retry budget and exponential backoff
on rate limits, prices pulled out of HTML with regular expressions, links normalised with
urllib.parse, and a report of what was seen."""

from __future__ import annotations

import asyncio
import html
import re
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

from waymark import Workflow, action, workflow

LINK = re.compile(r'<a\s+href="([^"#]+)(?:#[^"]*)?"', re.IGNORECASE)
PRICE = re.compile(
    r'<span class="price"[^>]*>\s*(?P<currency>[$€£])\s*(?P<amount>[\d,]+(?:\.\d{2})?)'
)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)

SITE: dict[str, str] = {
    "/": '<title>Shop &amp; Co</title><a href="/a">A</a> <a HREF="/b#top">B</a> <a href="https://other.example/x">x</a>',
    "/a": '<title>Widget</title><span class="price"> $1,299.00</span><a href="c">C</a>',
    "/b": '<title>Gadget</title><span class="price" data-x="1">€ 45</span><a href="/a">A</a>',
    "/a/c": "<title>Broken</title>no price here",
}

ATTEMPTS: dict[str, int] = {}


def reset() -> None:
    ATTEMPTS.clear()


class FetchError(Exception):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url} answered {status}")
        self.url = url
        self.status = status


class RateLimited(FetchError):
    def __init__(self, url: str, retry_after: float) -> None:
        super().__init__(url, 429)
        self.retry_after = retry_after


@dataclass
class Crawl:
    seen: set[str] = field(default_factory=set)
    prices: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    retries: int = 0


@action
async def fetch(url: str) -> str:
    path = urlsplit(url).path or "/"
    ATTEMPTS[path] = ATTEMPTS.get(path, 0) + 1
    if path == "/b" and ATTEMPTS[path] < 3:
        raise RateLimited(url, retry_after=0.5 * ATTEMPTS[path])
    if path not in SITE:
        raise FetchError(url, 404)
    return SITE[path]


def parse_price(page: str) -> tuple[str, Decimal] | None:
    if (match := PRICE.search(page)) is None:
        return None
    return match["currency"], Decimal(match.group("amount").replace(",", ""))


@workflow
class ScrapePrices(Workflow):
    async def fetch_with_backoff(self, url: str, budget: int) -> tuple[str, int]:
        delay = 1.0
        for attempt in range(1, budget + 1):
            try:
                return await fetch(url), attempt - 1
            except RateLimited as error:
                if attempt == budget:
                    raise
                await asyncio.sleep(max(delay, error.retry_after))
                delay = min(delay * 2, 30)
        raise AssertionError("unreachable")

    async def run(self, start: str, max_pages: int = 10, budget: int = 3) -> dict[str, object]:
        crawl = Crawl()
        host = urlsplit(start).netloc
        queue: deque[str] = deque([start])
        while queue and len(crawl.seen) < max_pages:
            url = queue.popleft()
            if url in crawl.seen:
                continue
            crawl.seen.add(url)
            try:
                page, retried = await self.fetch_with_backoff(url, budget)
            except RateLimited as error:
                crawl.errors.append(f"gave up on {error.url} after {budget} tries")
                continue
            except FetchError as error:
                crawl.errors.append(f"{error.status}: {urlsplit(error.url).path}")
                continue
            crawl.retries += retried
            title = html.unescape(m.group(1).strip()) if (m := TITLE.search(page)) else "?"
            if (found := parse_price(page)) is not None:
                crawl.prices[title] = found
            for href in LINK.findall(page):
                link = urljoin(url, href)
                if urlsplit(link).netloc == host and link not in crawl.seen:
                    queue.append(link)
        ranked = sorted(crawl.prices.items(), key=lambda kv: kv[1][1], reverse=True)
        return {
            "pages": sorted(urlsplit(u).path for u in crawl.seen),
            "prices": [f"{name}: {cur}{amount:,.2f}" for name, (cur, amount) in ranked],
            "errors": crawl.errors,
            "retries": crawl.retries,
        }
