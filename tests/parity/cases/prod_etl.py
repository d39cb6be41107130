"""A nightly ETL job: extract pages of raw rows, validate them into pydantic models, load them in
chunks of parallel batches, and aggregate per-region revenue with rejects kept for the report."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from waymark import RetryPolicy, Workflow, action, workflow

BATCH_SIZE = 3
PARALLEL_BATCHES = 2
LOADED: list[list[str]] = []


def reset() -> None:
    LOADED.clear()


class RawRow(BaseModel):
    id: str
    region: str
    amount: str
    day: str


class Sale(BaseModel):
    id: str
    region: str = Field(min_length=2, max_length=2)
    amount: Decimal = Field(ge=0)
    day: date

    @field_validator("region")
    @classmethod
    def upper_region(cls, value: str) -> str:
        return value.upper()


class LoadResult(BaseModel):
    batch: int
    written: int


class Summary(BaseModel):
    rows: int
    loaded: int
    rejected: dict[str, str]
    revenue_by_region: dict[str, Decimal]
    busiest_day: date | None
    top_regions: list[tuple[str, int]]


RAW_PAGES = [
    [
        {"id": "s1", "region": "us", "amount": "10.50", "day": "2024-03-01"},
        {"id": "s2", "region": "de", "amount": "7", "day": "2024-03-01"},
        {"id": "s3", "region": "usa", "amount": "1", "day": "2024-03-02"},
        {"id": "s4", "region": "fr", "amount": "-3", "day": "2024-03-02"},
    ],
    [
        {"id": "s5", "region": "us", "amount": "2.25", "day": "2024-03-02"},
        {"id": "s6", "region": "de", "amount": "abc", "day": "2024-03-03"},
        {"id": "s7", "region": "fr", "amount": "40", "day": "2024-03-03"},
        {"id": "s8", "region": "us", "amount": "0.25", "day": "2024-13-01"},
    ],
    [{"id": "s9", "region": "it", "amount": "5", "day": "2024-03-03"}],
]


@action
async def extract_page(page: int) -> list[RawRow]:
    if page >= len(RAW_PAGES):
        return []
    return [RawRow(**row) for row in RAW_PAGES[page]]


@action
async def load_batch(batch: int, sales: list[Sale]) -> LoadResult:
    if any(s.region == "IT" for s in sales):
        raise ConnectionError(f"warehouse refused batch {batch}")
    LOADED.append([s.id for s in sales])
    return LoadResult(batch=batch, written=len(sales))


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def validate(rows: list[RawRow]) -> tuple[list[Sale], dict[str, str]]:
    good: list[Sale] = []
    bad: dict[str, str] = {}
    for row in rows:
        try:
            good.append(Sale.model_validate(row.model_dump()))
        except ValidationError as exc:
            first = exc.errors()[0]
            bad[row.id] = f"{'.'.join(str(p) for p in first['loc'])}: {first['type']}"
    return good, bad


@workflow
class NightlyEtl(Workflow):
    async def run(self, max_pages: int = 10, fail_fast: bool = False) -> Summary:
        rows: list[RawRow] = []
        page = 0
        while page < max_pages:
            batch = await extract_page(page)
            if not batch:
                break
            rows.extend(batch)
            page += 1
        sales, rejected = validate(rows)
        batches = chunked(sales, BATCH_SIZE)
        loaded = 0
        for start in range(0, len(batches), PARALLEL_BATCHES):
            wave = batches[start : start + PARALLEL_BATCHES]
            results = await asyncio.gather(
                *[
                    self.run_action(load_batch(start + n, b), retry=RetryPolicy(attempts=1))
                    for n, b in enumerate(wave)
                ],
                return_exceptions=True,
            )
            for result, b in zip(results, wave, strict=True):
                if isinstance(result, BaseException):
                    if fail_fast:
                        raise RuntimeError(f"load failed: {result}") from result
                    rejected.update({s.id: f"load: {result}" for s in b})
                else:
                    loaded += result.written
        revenue: defaultdict[str, Decimal] = defaultdict(Decimal)
        for sale in sales:
            if sale.id not in rejected:
                revenue[sale.region] += sale.amount
        per_day = Counter(s.day for s in sales)
        by_region = sorted(sales, key=lambda s: s.region)
        counts = [
            (region, len(list(group)))
            for region, group in itertools.groupby(by_region, key=lambda s: s.region)
        ]
        return Summary(
            rows=len(rows),
            loaded=loaded,
            rejected=dict(sorted(rejected.items())),
            revenue_by_region=dict(sorted(revenue.items(), key=lambda kv: (-kv[1], kv[0]))),
            busiest_day=per_day.most_common(1)[0][0] if per_day else None,
            top_regions=sorted(counts, key=lambda rc: rc[1], reverse=True)[:2],
        )
