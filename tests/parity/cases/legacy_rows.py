"""A legacy import job whose rows are `collections.namedtuple` classes (and the functional
`typing.NamedTuple` form): built in the workflow, returned by actions, sorted, replaced and
turned into dicts, as older code bases write them."""

from __future__ import annotations

import collections
from collections import namedtuple
from typing import NamedTuple

from waymark import Workflow, action, workflow

Row = namedtuple("Row", ["sku", "qty", "price"], defaults=[0.0])
Total = collections.namedtuple("Total", "sku amount")
Span = NamedTuple("Span", [("first", int), ("last", int)])  # noqa: UP014 (the functional form)


@action
async def read_rows(source: str) -> list[Row]:
    lines = {"shop": "a,2,1.5\nb,1\nc,4,0.25", "empty": ""}[source]
    return [Row(*line.split(",")) for line in lines.splitlines()]


@action
async def save(totals: list[Total]) -> int:
    return len(totals)


@workflow
class ImportRows(Workflow):
    async def run(self, source: str) -> dict[str, object]:
        rows = [r._replace(qty=int(r.qty), price=float(r.price)) for r in await read_rows(source)]
        totals = sorted((Total(r.sku, r.qty * r.price) for r in rows), key=lambda t: -t.amount)
        saved = await save(totals)
        span = Span(0, len(rows) - 1) if rows else None
        return {
            "saved": saved,
            "top": totals[0] if totals else None,
            "rows": [r._asdict() for r in rows],
            "fields": Row._fields,
            "span": span,
            "is_row": [isinstance(r, Row) for r in rows[:1]],
        }
