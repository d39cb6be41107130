"""Inventory reconciliation after a cycle count: scanner counts per bin merged with the
system's book stock, differences classified (missing, surplus, misplaced between bins),
adjustments above a value threshold held for review, and the rest posted in one call."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from enum import Enum, auto
from typing import NamedTuple

from waymark import Workflow, action, workflow


class Kind(Enum):
    MISSING = auto()
    SURPLUS = auto()
    MISPLACED = auto()


class Diff(NamedTuple):
    sku: str
    bin: str
    delta: int
    kind: Kind


class CountRejected(Exception):
    pass


@action
async def scans(site: str) -> list[str]:
    if site == "closed":
        return []
    return [
        "A1:bolt", "A1:bolt", "A1:nut", "A2:nut", "A2:nut", "A2:bolt",
        "B1:washer", "B1:washer", "B1:washer", "B2:gear", "??:nut",
    ]  # fmt: skip


@action
async def book_stock(site: str) -> dict[str, dict[str, int]]:
    return {
        "A1": {"bolt": 3, "nut": 1},
        "A2": {"nut": 2},
        "B1": {"washer": 2, "gear": 1},
        "B3": {"spring": 4},
    }


@action
async def unit_costs(skus: list[str]) -> dict[str, str]:
    prices = {"bolt": "0.40", "nut": "0.10", "washer": "0.05", "gear": "12.50", "spring": "1.99"}
    return {s: prices[s] for s in skus}


@action
async def post_adjustments(site: str, lines: list[tuple[str, str, int]]) -> int:
    return len(lines)


def tally(raw: list[str]) -> tuple[dict[str, Counter[str]], list[str]]:
    counted: defaultdict[str, Counter[str]] = defaultdict(Counter)
    rejects = []
    for scan in raw:
        bin_, _, sku = scan.partition(":")
        if not bin_.isalnum():
            rejects.append(scan)
            continue
        counted[bin_][sku] += 1
    return dict(counted), rejects


def compare(counted: dict[str, Counter[str]], book: dict[str, dict[str, int]]) -> list[Diff]:
    diffs = []
    for bin_ in sorted(counted.keys() | book.keys()):
        have, want = counted.get(bin_, Counter()), Counter(book.get(bin_, {}))
        for sku, n in sorted((have - want).items()):
            diffs.append(Diff(sku, bin_, n, Kind.SURPLUS))
        for sku, n in sorted((want - have).items()):
            diffs.append(Diff(sku, bin_, -n, Kind.MISSING))
    surplus = {d.sku for d in diffs if d.kind is Kind.SURPLUS}
    return [
        d._replace(kind=Kind.MISPLACED) if d.kind is Kind.MISSING and d.sku in surplus else d
        for d in diffs
    ]


@workflow
class ReconcileCounts(Workflow):
    async def run(self, site: str, review_over: str = "5.00") -> dict[str, object]:
        raw = await scans(site)
        if not raw:
            raise CountRejected(f"no scans for {site}; count not started?")
        counted, rejects = tally(raw)
        diffs = compare(counted, await book_stock(site))
        costs = {
            k: Decimal(v) for k, v in (await unit_costs(sorted({d.sku for d in diffs}))).items()
        }
        limit = Decimal(review_over)
        review, post = [], []
        for diff in diffs:
            value = abs(diff.delta) * costs[diff.sku]
            (review if value > limit else post).append((diff.bin, diff.sku, diff.delta))
        posted = await post_adjustments(site, post) if post else 0
        kinds = Counter(d.kind.name.lower() for d in diffs)
        net = sum(d.delta * costs[d.sku] for d in diffs)
        return {
            "posted": posted,
            "review": review,
            "rejects": rejects,
            "kinds": dict(sorted(kinds.items())),
            "net_value": f"{net:+.2f}",
            "accuracy": f"{1 - len(diffs) / len(raw):.0%}",
        }


INPUTS = {
    "ReconcileCounts": [
        {"site": "north"},
        {"site": "north", "review_over": "0.30"},
        {"site": "closed"},
    ]
}
