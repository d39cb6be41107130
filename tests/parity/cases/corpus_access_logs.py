"""Hourly access-log rollup: raw log lines parsed, paths matched against route globs,
requests grouped per minute with `itertools.groupby`, status classes and top clients counted
with `Counter`, latency percentiles per route, and suspicious clients flagged."""

from __future__ import annotations

import fnmatch
import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter

from waymark import Workflow, action, workflow

ROUTES = (("api-orders", "/api/orders*"), ("api-other", "/api/*"), ("static", "/static/*.??s"))
ERROR_RATE_LIMIT = 0.25


@dataclass(frozen=True)
class Request:
    minute: str
    client: str
    method: str
    path: str
    status: int
    millis: int


@action
async def read_log(host: str, hour: str) -> list[str]:
    clients = ["10.0.0.1", "10.0.0.2", "192.168.1.7", "10.0.0.1"]
    paths = [
        "/api/orders/17",
        "/api/users",
        "/static/app.css",
        "/static/app.js",
        "/health",
        "/api/orders",
    ]
    lines = []
    for i in range(40):
        status = 200 if i % 6 else (500 if i % 12 == 0 else 404)
        minute = f"{hour}:{(i // 7):02d}"
        lines.append(
            f"{minute} {clients[i % 4]} {'POST' if i % 5 == 0 else 'GET'} {paths[i % 6]} {status} {(i * 37) % 300 + 5}"
        )
    lines.insert(11, "garbage line")
    return lines


def parse(line: str) -> Request | None:
    parts = line.split()
    if len(parts) != 6 or not parts[4].isdigit():
        return None
    minute, client, method, path, status, millis = parts
    return Request(minute, client, method, path, int(status), int(millis))


def route_of(path: str) -> str:
    for name, pattern in ROUTES:
        if fnmatch.fnmatchcase(path, pattern):
            return name
    return "other"


@workflow
class RollupAccessLog(Workflow):
    async def run(self, host: str, hour: str = "2025-01-20T13") -> dict[str, object]:
        lines = await read_log(host, hour)
        requests = [r for r in map(parse, lines) if r is not None]
        per_minute = {
            minute: len(list(group))
            for minute, group in itertools.groupby(requests, key=attrgetter("minute"))
        }
        statuses = Counter(f"{r.status // 100}xx" for r in requests)
        latencies: defaultdict[str, list[int]] = defaultdict(list)
        errors_by_client: Counter[str] = Counter()
        for r in requests:
            latencies[route_of(r.path)].append(r.millis)
            if r.status >= 400:
                errors_by_client[r.client] += 1
        totals = Counter(r.client for r in requests)
        flagged = sorted(c for c, n in errors_by_client.items() if n / totals[c] > ERROR_RATE_LIMIT)
        by_route = {
            route: {
                "count": len(ms),
                "p50": statistics.median(ms),
                "p90": statistics.quantiles(ms, n=10)[-1] if len(ms) > 1 else ms[0],
            }
            for route, ms in sorted(latencies.items())
        }
        return {
            "host": host,
            "parsed": f"{len(requests)}/{len(lines)}",
            "busiest_minute": max(per_minute.items(), key=lambda kv: kv[1]),
            "statuses": sorted(statuses.items()),
            "top_clients": totals.most_common(2),
            "flagged": flagged,
            "routes": by_route,
            "static_files": fnmatch.filter(sorted({r.path for r in requests}), "/static/*"),
        }
