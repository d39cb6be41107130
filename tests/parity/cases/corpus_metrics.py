"""A sensor-metrics ETL: pages extracted until the cursor runs out, readings cleaned and
de-duplicated, hourly windows aggregated with statistics, anomalies flagged by z-score,
and the load step batched."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import statistics
from collections import OrderedDict, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Reading(NamedTuple):
    sensor: str
    at: datetime
    value: float


class Page(BaseModel):
    rows: list[dict[str, Any]]
    cursor: str | None = None


class Window(BaseModel):
    sensor: str
    hour: str
    count: int
    mean: float
    p90: float | None
    spread: float


EPOCH = datetime(2024, 1, 15, tzinfo=UTC)


@action
async def extract(cursor: str | None, size: int) -> Page:
    offset = int(cursor or 0)
    rows = []
    for i in range(offset, min(offset + size, 23)):
        sensor = f"s{i % 3}"
        value: Any = round(20 + math.sin(i) * 3 + (40 if i == 17 else 0), 2)
        if i == 5:
            value = "NaN"
        if i == 9:
            value = None
        rows.append(
            {
                "sensor": sensor,
                "ts": (EPOCH + timedelta(minutes=13 * i)).isoformat(),
                "value": value,
            }
        )
        if i == 11:
            rows.append(dict(rows[-1]))  # duplicate delivery
    nxt = offset + size
    return Page(rows=rows, cursor=str(nxt) if nxt < 23 else None)


@action
async def load(batch: list[Window]) -> int:
    return len(batch)


def clean(rows: list[dict[str, Any]]) -> tuple[list[Reading], list[str]]:
    seen: OrderedDict[tuple[str, str], Reading] = OrderedDict()
    rejected = []
    for row in rows:
        try:
            value = float(row["value"])
        except (TypeError, ValueError) as error:
            rejected.append(f"{row['sensor']}@{row['ts'][11:16]}: {type(error).__name__}")
            continue
        if math.isnan(value) or math.isinf(value):
            rejected.append(f"{row['sensor']}@{row['ts'][11:16]}: not finite")
            continue
        key = (row["sensor"], row["ts"])
        if key in seen:
            seen.move_to_end(key)
            continue
        seen[key] = Reading(row["sensor"], datetime.fromisoformat(row["ts"]), value)
    return list(seen.values()), rejected


def summarise(sensor: str, hour: datetime, values: list[float]) -> Window:
    p90 = statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else None
    return Window(
        sensor=sensor,
        hour=hour.strftime("%Y-%m-%dT%H"),
        count=len(values),
        mean=round(statistics.fmean(values), 3),
        p90=None if p90 is None else round(p90, 3),
        spread=round(max(values) - min(values), 3),
    )


@workflow
class SensorEtl(Workflow):
    async def run(
        self, page_size: int = 8, batch_size: int = 4, z_limit: float = 2.5
    ) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        cursor: str | None = None
        pages = 0
        while True:
            page = await extract(cursor, page_size)
            rows.extend(page.rows)
            pages += 1
            if (cursor := page.cursor) is None:
                break
        readings, rejected = clean(rows)
        values = [r.value for r in readings]
        mu, sigma = statistics.mean(values), statistics.pstdev(values)
        anomalies = [
            f"{r.sensor} {r.at:%H:%M} z={(r.value - mu) / sigma:+.1f}"
            for r in readings
            if sigma and abs(r.value - mu) / sigma > z_limit
        ]
        windows: defaultdict[tuple[str, datetime], list[float]] = defaultdict(list)
        for r in sorted(readings, key=lambda r: (r.sensor, r.at)):
            windows[(r.sensor, r.at.replace(minute=0, second=0))].append(r.value)
        summaries = [summarise(s, h, v) for (s, h), v in windows.items()]
        batches = [summaries[i : i + batch_size] for i in range(0, len(summaries), batch_size)]
        loaded = await asyncio.gather(*[load(b) for b in batches])
        by_sensor = {
            sensor: sum(w.count for w in group)
            for sensor, group in itertools.groupby(summaries, key=lambda w: w.sensor)
        }
        return {
            "pages": pages,
            "kept": len(readings),
            "rejected": rejected,
            "anomalies": anomalies,
            "loaded": sum(loaded),
            "by_sensor": by_sensor,
            "first": json.loads(summaries[0].model_dump_json()) if summaries else None,
            "median": statistics.median(values),
        }
