"""Nightly ETL of a partner's order export: CSV text parsed row by row, bad rows counted by
reason, good rows loaded in batches of a fixed size (a flaky warehouse retried by policy),
and a per-day summary built with itertools.groupby."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import groupby, islice
from typing import NamedTuple

from waymark import RetryPolicy, Workflow, action, workflow

LOADS: dict[str, int] = {}


def reset() -> None:
    LOADS.clear()


class Row(NamedTuple):
    order_id: str
    placed: datetime
    amount: Decimal
    country: str


class WarehouseBusy(Exception):
    pass


class BadRow(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.reason = reason


@action
async def fetch_export(partner: str) -> str:
    rows = [
        "order_id,placed,amount,country",
        "A1,2024-05-01T10:00:00,19.99,de",
        "A2,2024-05-01T23:59:00,5.00,DE",
        "A3,2024-05-02T08:15:00,abc,fr",
        "A4,not-a-date,1.00,fr",
        "A5,2024-05-02T09:00:00,120.10,FR",
        ",2024-05-03T09:00:00,3.30,it",
        "A7,2024-05-03T11:30:00,-4.00,it",
    ]
    if partner == "empty":
        return rows[0] + "\n"
    return "\n".join(rows) + "\n"


@action
async def load_batch(partner: str, batch: list[str]) -> int:
    key = f"{partner}:{batch[0]}"
    LOADS[key] = LOADS.get(key, 0) + 1
    if partner == "flaky" and LOADS[key] < 2:
        raise WarehouseBusy(f"busy loading {batch[0]}")
    return len(batch)


def chunks(items: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def parse(line: int, record: dict[str, str]) -> Row:
    if not record["order_id"]:
        raise BadRow(line, "missing id")
    try:
        placed = datetime.fromisoformat(record["placed"])
    except ValueError:
        raise BadRow(line, "bad date") from None
    try:
        amount = Decimal(record["amount"])
    except InvalidOperation:
        raise BadRow(line, "bad amount") from None
    if amount < 0:
        raise BadRow(line, "negative amount")
    return Row(record["order_id"], placed, amount, record["country"].upper())


@workflow
class ImportOrders(Workflow):
    async def run(self, partner: str, batch_size: int = 2) -> dict[str, object]:
        text = await fetch_export(partner)
        good: list[Row] = []
        rejected: Counter[str] = Counter()
        messages = []
        for number, record in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            try:
                good.append(parse(number, record))
            except BadRow as error:
                rejected[error.reason] += 1
                messages.append(str(error))
        loaded = 0
        for batch in chunks(good, batch_size):
            loaded += await self.run_action(
                load_batch(partner, [r.order_id for r in batch]),
                retry=RetryPolicy(attempts=3, exception_types=[WarehouseBusy]),
            )
        by_day = {
            day.isoformat(): f"{sum(r.amount for r in rows):.2f}"
            for day, rows in groupby(good, key=lambda r: r.placed.date())
        }
        countries = Counter(r.country for r in good)
        return {
            "loaded": loaded,
            "rejected": dict(rejected.most_common()),
            "messages": messages,
            "by_day": by_day,
            "top_country": countries.most_common(1)[0][0] if countries else None,
        }


INPUTS = {
    "ImportOrders": [
        {"partner": "acme"},
        {"partner": "flaky", "batch_size": 1},
        {"partner": "empty"},
    ]
}
