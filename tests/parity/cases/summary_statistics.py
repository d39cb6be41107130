"""The rest of `statistics` a report computes — `quantiles` (both methods, any `n`),
`harmonic_mean`, `geometric_mean`, `correlation`, `covariance` — and `textwrap.indent`, with
Python's results and its `StatisticsError`s (caught by name); and the month and day names
of `calendar` a report heads its columns with."""

from __future__ import annotations

import calendar
import statistics
import textwrap
from calendar import month_name

from waymark import Workflow, action, workflow


@action
async def latencies(n: int) -> list[int]:
    return [(i * 37) % 23 + 1 for i in range(n)]


@workflow
class LatencyReport(Workflow):
    async def run(self, n: int) -> list[object]:
        xs = await latencies(n)
        out: list[object] = []
        for compute in ("quartiles", "deciles", "harmonic", "geometric", "correlation", "cov"):
            try:
                if compute == "quartiles":
                    out.append(statistics.quantiles(xs))
                elif compute == "deciles":
                    out.append(statistics.quantiles(xs, n=10, method="inclusive"))
                elif compute == "harmonic":
                    out.append(statistics.harmonic_mean(xs))
                elif compute == "geometric":
                    out.append(round(statistics.geometric_mean(xs), 9))
                elif compute == "correlation":
                    out.append(round(statistics.correlation(xs, list(range(len(xs)))), 9))
                else:
                    out.append(statistics.covariance(xs, xs[::-1]))
            except statistics.StatisticsError as error:
                out.append(f"StatisticsError: {error}")
        lines = "\n".join(f"p{i}: {x}" for i, x in enumerate(xs[:3]))
        out.append(textwrap.indent(lines, "> "))
        out.append(textwrap.indent("a\n\n  b\r\nc", "  "))
        return out


@workflow
class MonthHeadings(Workflow):
    async def run(self, n: int) -> list[object]:
        months = [x % 12 + 1 for x in await latencies(n)]
        out: list[object] = [
            [month_name[m] for m in months],
            [calendar.month_abbr[m].upper() for m in months],
            calendar.day_name[0],
            list(calendar.day_abbr),
            len(calendar.month_name),
            calendar.month_name[1:4],
            "May" in calendar.month_name,
        ]
        try:
            out.append(calendar.month_name[n + 13])
        except IndexError as error:
            out.append(f"IndexError: {error}")
        return out
