"""The ceiling: the smallest useful queue on the same database, measured in the same run.

Each of `CEILING_CONNECTIONS` connections loops insert → claim (`FOR UPDATE SKIP LOCKED`) →
complete, one row per statement or a batch per statement; every statement commits on its own,
as a durable queue must. The runtime workloads report their ratio to these numbers, which cancels
out most of the noise of a shared machine. It uses its own table, never the runtime's.
"""

from __future__ import annotations

import asyncio
import json
import time

import asyncpg

from benchmarks.results import Measured, percentile
from benchmarks.spec import CEILING_CONNECTIONS, Scale

_SCHEMA = """
CREATE TABLE IF NOT EXISTS waymark_bench_ceiling (
    id bigserial PRIMARY KEY,
    payload json NOT NULL,
    status text NOT NULL DEFAULT 'queued',
    owner text,
    result json
);
CREATE INDEX IF NOT EXISTS waymark_bench_ceiling_queued
    ON waymark_bench_ceiling (id) WHERE status = 'queued';
"""
_INSERT = "INSERT INTO waymark_bench_ceiling (payload) SELECT unnest($1::json[])"
_CLAIM = """
UPDATE waymark_bench_ceiling SET status = 'running', owner = $1
WHERE id IN (SELECT id FROM waymark_bench_ceiling WHERE status = 'queued'
             ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
RETURNING id, payload
"""
_COMPLETE = "UPDATE waymark_bench_ceiling SET status = 'done', result = payload WHERE id = ANY($1::bigint[])"


class _Budget:
    """Items left to move, shared by the connections of one measurement."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.done = 0

    def take(self, most: int) -> int:
        size = min(most, self.left)
        self.left -= size
        return size


async def _cycle(connection: asyncpg.Connection, owner: str, size: int) -> int:
    """Insert `size` items, claim up to `size`, complete what was claimed."""
    payloads = [json.dumps({"args": [i], "kwargs": {}}) for i in range(size)]
    await connection.execute(_INSERT, payloads)
    rows = await connection.fetch(_CLAIM, owner, size)
    await connection.execute(_COMPLETE, [row["id"] for row in rows])
    return len(rows)


async def _drive(connection: asyncpg.Connection, owner: str, budget: _Budget, batch: int) -> None:
    while size := budget.take(batch):
        moved = await _cycle(connection, owner, size)
        budget.done += moved  # not `+= await ...`: that reads `done` before awaiting


async def throughput(connections: list[asyncpg.Connection], total: int, batch: int) -> float:
    """Items completed per second, all connections moving items at once."""
    await connections[0].execute("TRUNCATE waymark_bench_ceiling")
    budget = _Budget(total)
    started = time.perf_counter()
    await asyncio.gather(*(_drive(c, f"c{i}", budget, batch) for i, c in enumerate(connections)))
    return budget.done / (time.perf_counter() - started)


async def latency_ms(connection: asyncpg.Connection, count: int) -> float:
    """The median time of one item's insert → claim → complete, on one idle connection."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await _cycle(connection, "latency", 1)
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 0.5)


async def commit_ms(connection: asyncpg.Connection, count: int) -> float:
    """The median time of one committed single-row insert: the server's durable-commit floor."""
    times = []
    for index in range(count):
        started = time.perf_counter()
        await connection.execute(_INSERT, [json.dumps({"args": [index]})])
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 0.5)


async def measure_ceiling(dsn: str, scale: Scale) -> Measured:
    connections = [await asyncpg.connect(dsn) for _ in range(CEILING_CONNECTIONS)]
    try:
        await connections[0].execute(_SCHEMA)
        measured = Measured(details={"connections": CEILING_CONNECTIONS})
        for _ in range(scale.repeats):
            measured.add("ceiling.single", await throughput(connections, scale.ceiling_single, 1))
            batched = await throughput(connections, scale.ceiling_batched, scale.ceiling_batch)
            measured.add("ceiling.batched", batched)
            measured.add("ceiling.latency", await latency_ms(connections[0], scale.ceiling_latency))
            measured.add("ceiling.commit", await commit_ms(connections[0], scale.ceiling_latency))
        await connections[0].execute("DROP TABLE waymark_bench_ceiling")
        return measured
    finally:
        await asyncio.gather(*(c.close() for c in connections))
