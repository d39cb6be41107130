"""Named tuple classes bound at module level to a name other than the one they were given
(`P = namedtuple("Point", "x y")`): built, read, replaced, tested with `isinstance`, shown by
their own name, and passed to and returned by actions."""

from __future__ import annotations

from collections import namedtuple
from typing import NamedTuple

from waymark import Workflow, action, workflow

P = namedtuple("Point", "x y")
Row = NamedTuple("Line", [("sku", str), ("qty", int)])  # noqa: UP014  (renamed on purpose)


@action
async def origin(scale: int) -> P:
    return P(scale, -scale)


@action
async def total(rows: list[Row]) -> int:
    return sum(row.qty for row in rows if isinstance(row, Row))


@workflow
class RenamedTuples(Workflow):
    async def run(self, scale: int) -> list:
        start = await origin(scale)
        moved = start._replace(y=0)
        rows = [Row("a", scale), Row(sku="b", qty=2)]
        return [
            start,
            moved,
            repr(moved),
            start.x + moved[1],
            moved._asdict(),
            P._fields,
            isinstance(moved, P),
            isinstance(rows[0], tuple),
            type(rows[1]).__name__,
            await total(rows),
            P(*rows[0]) == ("a", scale),
        ]
