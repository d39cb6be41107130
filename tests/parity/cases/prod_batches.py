"""A catalogue sync built on generator helpers, as a data team writes it: records parsed and
filtered lazily, sent in chunks, categories walked recursively with `yield from`, a work queue
drained by a generator while actions add to it, and a sliding window over prices."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from waymark import Workflow, action, workflow

TREE: dict[str, list[str]] = {
    "root": ["kitchen", "garden"],
    "kitchen": ["knives", "pans"],
    "garden": ["tools"],
    "tools": ["spades"],
}
LINKS: dict[str, list[str]] = {"home": ["a", "b"], "a": ["c"], "b": ["c", "d"], "d": ["e"]}


class BadRecord(ValueError):
    pass


@dataclass(frozen=True)
class Product:
    sku: str
    price: int
    category: str


def parse(lines: list[str], strict: bool) -> Iterator[Product]:
    for number, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        sku, _, rest = line.partition(":")
        price, _, category = rest.partition("@")
        if not price.isdigit():
            if strict:
                raise BadRecord(f"line {number}: price {price!r}")
            continue
        yield Product(sku.strip(), int(price), category or "misc")


def chunked(items: Iterator[Product], size: int) -> Iterator[list[Product]]:
    batch: list[Product] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def walk(node: str, depth: int = 0) -> Iterator[str]:
    yield "  " * depth + node
    for child in TREE.get(node, []):
        yield from walk(child, depth + 1)


def drain(queue: deque[str], seen: set[str]) -> Iterator[str]:
    while queue:
        page = queue.popleft()
        if page in seen:
            continue
        seen.add(page)
        yield page


def windows(prices: list[int], width: int) -> Iterator[tuple[int, ...]]:
    window: deque[int] = deque(maxlen=width)
    for price in prices:
        window.append(price)
        if len(window) == width:
            yield tuple(window)


@action
async def upload(batch: list[Product]) -> int:
    return sum(p.price for p in batch)


@action
async def fetch_links(page: str) -> list[str]:
    return LINKS.get(page, [])


@workflow
class SyncCatalogue(Workflow):
    async def run(self, lines: list[str], size: int = 2, strict: bool = False) -> dict[str, Any]:
        uploaded: list[int] = []
        failure = None
        try:
            for batch in chunked(parse(lines, strict), size):
                uploaded.append(await upload(batch))
        except BadRecord as error:
            failure = str(error)
        cheapest = next((p.sku for p in parse(lines, False) if p.price < 5), None)
        queue, seen = deque(["home"]), set()
        order = []
        for page in drain(queue, seen):
            order.append(page)
            queue.extend(await fetch_links(page))
        prices = [p.price for p in parse(lines, False)]
        averages = [sum(w) / len(w) for w in windows(prices, 3)]
        return {
            "uploaded": uploaded,
            "failure": failure,
            "cheapest": cheapest,
            "tree": "\n".join(walk("root")),
            "crawl": order,
            "averages": averages,
            "categories": sorted({p.category for p in parse(lines, False)}),
            "kind": type(walk("root")).__name__,
        }


def invoice_numbers(prefix: str, start: int = 1) -> Iterator[str]:
    number = start
    while True:
        yield f"{prefix}-{number:05d}"
        number += 1


@action
async def issue(number: str, amount: int) -> str:
    if amount <= 0:
        raise ValueError(f"{number}: nothing to bill")
    return f"{number}={amount}"


@workflow
class IssueInvoices(Workflow):
    """Numbers invoices from an endless generator held across awaits, pairing each customer's
    lines from a method generator with a local one."""

    def billable(self, amounts: list[int]) -> Iterator[int]:
        for amount in amounts:
            if amount:
                yield amount
        return

    async def run(self, amounts: list[int], prefix: str = "INV", fee: int = 0) -> dict[str, Any]:
        def with_fee(values: list[int]) -> Iterator[int]:
            for value in values:
                yield value + fee

        numbers = invoice_numbers(prefix)
        preview = list(itertools.islice(invoice_numbers(prefix, 90), 2))
        issued, failed = [], []
        pairs = zip(self.billable(amounts), with_fee(amounts), strict=False)
        for index, amount in enumerate(pairs):
            try:
                issued.append(await issue(next(numbers), amount[0] - amount[1] + amount[0]))
            except ValueError as error:
                failed.append((index, str(error)))
        return {"issued": issued, "failed": failed, "next": next(numbers), "preview": preview}
