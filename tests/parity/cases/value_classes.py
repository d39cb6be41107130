"""`isinstance` with the standard value classes a workflow holds: a normaliser that turns an
action's mixed values into text, as an export step would (`datetime` is a `date` too)."""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict, deque
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

from waymark import Workflow, action, workflow


@action
async def raw_values() -> list[object]:
    return [
        Decimal("12.50"),
        datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        date(2024, 3, 2),
        time(8, 15),
        timedelta(hours=2),
        UUID("12345678-1234-5678-1234-567812345678"),
        7,
        2.5,
        "text",
        None,
    ]


@workflow
class NormaliseValues(Workflow):
    async def run(self) -> list[object]:
        out: list[object] = []
        for value in await raw_values():
            if isinstance(value, Decimal):
                out.append(f"money:{value:.2f}")
            elif isinstance(value, datetime):
                out.append(f"instant:{value.isoformat()}")
            elif isinstance(value, date):
                out.append(f"day:{value.isoformat()}")
            elif isinstance(value, (time, timedelta)):
                out.append(f"clock:{value}")
            elif isinstance(value, UUID):
                out.append(f"id:{value.hex[:8]}")
            elif isinstance(value, int | float | Decimal):
                out.append(f"number:{value}")
            else:
                out.append(value)
        made = [
            Fraction(3, 4),
            Counter("abca"),
            defaultdict(list),
            OrderedDict(a=1),
            deque([1, 2]),
            datetime(2024, 1, 1),
            {"plain": 1},
        ]
        kinds = [
            [
                isinstance(m, Fraction),
                isinstance(m, Counter),
                isinstance(m, dict),
                isinstance(m, defaultdict),
                isinstance(m, OrderedDict),
                isinstance(m, deque),
                isinstance(m, date),
                isinstance(m, timezone),
            ]
            for m in made
        ]
        return [out, kinds, isinstance(UTC, timezone)]


@workflow
class MatchValues(Workflow):
    async def run(self) -> list[str]:
        out: list[str] = []
        for value in await raw_values():
            match value:
                case Decimal():
                    out.append("money")
                case datetime(year=year, tzinfo=zone):
                    out.append(f"instant {year} {zone}")
                case date(month=month):
                    out.append(f"day in month {month}")
                case time() | timedelta():
                    out.append("clock")
                case UUID(version=version):
                    out.append(f"id v{version}")
                case int() | float():
                    out.append("number")
                case _:
                    out.append(repr(value))
        try:
            match datetime(2024, 1, 1):
                case datetime(2024):
                    out.append("positional")
        except TypeError as error:
            out.append(str(error))
        return out
