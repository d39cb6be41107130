"""Scanning service logs: `re.finditer` over a chunk with named groups, its iterator read
partly before an await and the rest after, and a compiled pattern's `finditer`."""

from __future__ import annotations

import re
from collections import Counter

from waymark import Workflow, action, workflow

LINE = re.compile(r"^(?P<level>[A-Z]+) (?P<code>\d{3}) (?P<path>\S+)$", re.MULTILINE)


@action
async def read_chunk(service: str) -> str:
    return {
        "api": "INFO 200 /users\nERROR 500 /orders\nWARN 429 /search\nERROR 502 /pay\n",
        "quiet": "",
    }[service]


@action
async def alert(path: str, code: int) -> str:
    return f"alerted {path} ({code})"


@workflow
class ScanLogs(Workflow):
    async def run(self, service: str) -> dict[str, object]:
        chunk = await read_chunk(service)
        lines = LINE.finditer(chunk)
        first = next(lines, None)
        alerts: list[str] = []
        levels: Counter[str] = Counter()
        for match in lines:
            levels[match["level"]] += 1
            if match.group("level") == "ERROR":
                alerts.append(await alert(match["path"], int(match["code"])))
        spans = [m.span() for m in re.finditer(r"\d{3}", chunk) if m.group().startswith("5")]
        return {
            "first": first.groupdict() if first else None,
            "levels": dict(levels),
            "alerts": alerts,
            "spans": spans,
        }
