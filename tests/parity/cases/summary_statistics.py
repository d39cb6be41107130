"""The rest of `statistics` a report computes — `quantiles` (both methods, any `n`),
`harmonic_mean`, `geometric_mean`, `correlation`, `covariance` — and `textwrap.indent`, with
Python's results and its `StatisticsError`s (caught by name)."""

from __future__ import annotations

import statistics
import textwrap

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
