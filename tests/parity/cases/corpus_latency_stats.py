"""Weekly API latency review: access-log lines are parsed with a verbose regex, bad lines
counted, latencies summarised per route with statistics (quantiles, stdev, geometric mean),
an SLO budget computed with math, anomalies flagged by z-score, and the summary shipped as
JSON."""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

from waymark import Workflow, action, workflow

LOG_LINE = re.compile(
    r"""
    ^(?P<ip>\d{1,3}(?:\.\d{1,3}){3})\s+
    \[(?P<when>[^\]]+)\]\s+
    "(?P<method>GET|POST|PUT|DELETE)\s(?P<path>\S+)"\s+
    (?P<status>\d{3})\s+
    (?P<ms>\d+(?:\.\d+)?)ms$
    """,
    re.VERBOSE,
)
SLO_MS = 250.0
ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


@action
async def read_logs(service: str) -> list[str]:
    lines = []
    for n in range(60):
        paths = ["/orders/%d" % n, "/orders/%d/items?page=%d" % (n, n % 3)]  # noqa: UP031
        path = [*paths, "/health", "/search?q=red+shoes&n=%d" % n][n % 4]  # noqa: UP031
        ms = (n * 37) % 290 + (900 if n in (13, 44) else 0) + 0.5 * (n % 2)
        status = 500 if n % 17 == 0 else 200
        lines.append(
            f'10.0.{n % 4}.{n} [2024-05-0{1 + n % 7}T10:{n:02d}:00] "GET {path}" {status} {ms}ms'
        )
    lines.insert(5, "garbage line")
    lines.append('10.0.0.1 [x] "PATCH /x" 200 1ms')
    return lines


@action
async def ship(report: str) -> int:
    return len(json.loads(report))


def route_of(path: str) -> str:
    parts = urlsplit(path)
    return ID_SEGMENT.sub("/{id}", parts.path)


@workflow
class LatencyReview(Workflow):
    async def run(self, service: str = "api", z_limit: float = 2.5) -> dict[str, object]:
        lines = await read_logs(service)
        by_route: defaultdict[str, list[float]] = defaultdict(list)
        errors: defaultdict[str, int] = defaultdict(int)
        queries: list[dict[str, list[str]]] = []
        bad = 0
        for line in lines:
            if not (m := LOG_LINE.match(line)):
                bad += 1
                continue
            route = route_of(m["path"])
            by_route[route].append(float(m["ms"]))
            if m["status"].startswith("5"):
                errors[route] += 1
            if query := urlsplit(m["path"]).query:
                queries.append(parse_qs(query))
        summary = {}
        everything = [ms for values in by_route.values() for ms in values]
        mean, sd = statistics.fmean(everything), statistics.pstdev(everything)
        for route, values in sorted(by_route.items()):
            q = (
                statistics.quantiles(values, n=20, method="inclusive")
                if len(values) > 1
                else values * 19
            )
            within = sum(v <= SLO_MS for v in values) / len(values)
            summary[route] = {
                "n": len(values),
                "p50": round(statistics.median(values), 1),
                "p95": round(q[18], 1),
                "gmean": round(statistics.geometric_mean(values), 2) if min(values) > 0 else None,
                "slo": f"{within:.1%}",
                "burn": round(math.log10(max(1e-9, 1 - within) / 0.01), 3)
                if within < 1
                else -math.inf,
                "errors": errors.get(route, 0),
                "outliers": [v for v in values if sd and abs(v - mean) / sd > z_limit],
            }
        report = json.dumps(summary, allow_nan=True, indent=None)
        return {
            "routes": await ship(report),
            "bad_lines": bad,
            "summary": summary,
            "terms": sorted({t for q in queries for t in q.get("q", [])}),
            "pages": [int(p) for q in queries for p in q.get("page", [])][:5],
            "hyp": math.hypot(*[round(mean, 2), round(sd, 2)]),
            "isclose": math.isclose(mean, statistics.mean(everything), rel_tol=1e-12),
        }


INPUTS = {"LatencyReview": [{}, {"z_limit": 1.0}]}
