"""Shop domain code with behaviour on the models: a cart priced by its own methods and
properties, promotions matched by class patterns, and a sitemap crawl over a queue."""

from __future__ import annotations

import re
import urllib.parse
from collections import deque
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, Field, computed_field

from waymark import Workflow, action, workflow


class Currency(StrEnum):
    EUR = "EUR"
    USD = "USD"


class Line(BaseModel):
    sku: str
    unit: Decimal
    qty: int = Field(ge=1)

    @property
    def total(self) -> Decimal:
        return self.unit * self.qty


class PercentOff(BaseModel):
    percent: int
    min_total: Decimal = Decimal(0)


class BuyXGetY(BaseModel):
    sku: str
    buy: int
    free: int


class FreeShipping(BaseModel):
    over: Decimal


Promotion = PercentOff | BuyXGetY | FreeShipping


class Cart(BaseModel):
    SHIPPING: ClassVar[Decimal] = Decimal("4.90")
    currency: Currency = Currency.EUR
    lines: list[Line] = []
    notes: list[str] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    def add(self, sku: str, unit: str, qty: int = 1) -> Cart:
        for line in self.lines:
            if line.sku == sku:
                line.qty += qty
                return self
        self.lines.append(Line(sku=sku, unit=Decimal(unit), qty=qty))
        return self

    def discount(self, promo: Promotion) -> Decimal:
        match promo:
            case PercentOff(percent=p, min_total=floor) if self.subtotal >= floor:
                self.notes.append(f"{p}% off")
                return (self.subtotal * p / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            case BuyXGetY(sku=sku, buy=buy, free=free):
                line = next((x for x in self.lines if x.sku == sku), None)
                if line is None:
                    return Decimal(0)
                bundles = line.qty // (buy + free)
                if bundles:
                    self.notes.append(f"{bundles}x {sku} free")
                return line.unit * free * bundles
            case _:
                return Decimal(0)

    def shipping(self, promos: list[Promotion]) -> Decimal:
        for promo in promos:
            if isinstance(promo, FreeShipping) and self.subtotal >= promo.over:
                self.notes.append("free shipping")
                return Decimal(0)
        return self.SHIPPING

    @classmethod
    def from_skus(cls, skus: list[str], prices: dict[str, str]) -> Cart:
        cart = cls()
        for sku in skus:
            cart.add(sku, prices[sku])
        return cart


@action
async def price_list(currency: Currency) -> dict[str, str]:
    return {"mug": "12.50", "tee": "19.99", "cap": "9.00", "pen": "1.20"}


@action
async def active_promotions() -> list[PercentOff | BuyXGetY | FreeShipping]:
    return [
        BuyXGetY(sku="pen", buy=2, free=1),
        PercentOff(percent=10, min_total=Decimal(40)),
        FreeShipping(over=Decimal(50)),
    ]


@workflow
class PriceCart(Workflow):
    async def run(self, skus: list[str]) -> dict[str, Any]:
        prices = await price_list(Currency.EUR)
        unknown = sorted({s for s in skus if s not in prices})
        cart = Cart.from_skus([s for s in skus if s in prices], prices)
        promos = await active_promotions()
        discount = sum((cart.discount(p) for p in promos), Decimal(0))
        shipping = cart.shipping(promos)
        total = cart.subtotal - discount + shipping
        return {
            "lines": [f"{line.qty} x {line.sku:<4} {line.total:>7}" for line in cart.lines],
            "subtotal": cart.subtotal,
            "discount": discount,
            "shipping": shipping,
            "total": f"{total:.2f} {cart.currency}",
            "notes": cart.notes,
            "unknown": unknown,
            "dump": cart.model_dump(include={"currency", "subtotal"}),
        }


SITE = {
    "/": '<a href="/docs">docs</a> <a href="/blog/">blog</a> <a href="https://other.org/x">ext</a>',
    "/docs": '<a href="/docs/install">install</a> <a href="/">home</a>',
    "/docs/install": '<a href="../docs">up</a> <a href="/404">broken</a>',
    "/blog/": '<a href="post-1">p1</a> <a href="post-2?ref=blog#top">p2</a>',
    "/blog/post-1": "",
    "/blog/post-2": '<a href="/docs/install">install</a>',
}


class NotFound(Exception):
    pass


@action
async def fetch_page(url: str) -> str:
    path = urllib.parse.urlsplit(url).path or "/"
    if path not in SITE:
        raise NotFound(path)
    return SITE[path]


HREF = re.compile(r'href="([^"]+)"')


@workflow
class CrawlSite(Workflow):
    async def run(
        self, root: str, max_pages: int = 10, stop_at: str | None = None
    ) -> dict[str, Any]:
        host = urllib.parse.urlsplit(root).netloc
        queue = deque([(root, 0)])
        seen = {root}
        pages: dict[str, int] = {}
        broken: list[str] = []
        while queue and len(pages) < max_pages:
            url, depth = queue.popleft()
            try:
                html = await fetch_page(url)
            except NotFound as exc:
                broken.append(f"{exc.args[0]} (depth {depth})")
                continue
            links = [urllib.parse.urljoin(url, href) for href in HREF.findall(html)]
            pages[urllib.parse.urlsplit(url).path] = len(links)
            if stop_at is not None and url.endswith(stop_at):
                return {"found": url, "depth": depth, "visited": len(pages)}
            for link in links:
                clean, _ = urllib.parse.urldefrag(link)
                clean = clean.split("?", 1)[0]
                if urllib.parse.urlsplit(clean).netloc != host or clean in seen:
                    continue
                seen.add(clean)
                queue.append((clean, depth + 1))
        return {"pages": pages, "broken": broken, "left": len(queue)}
