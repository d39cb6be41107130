"""F1 and F2: what flow control costs.

F1 runs W2's gather of no-op actions three ways on one `start-workers` process: plain, with
`@action(concurrency=100_000)` (a limit that never binds: the price of starting every attempt
through the gate, one more transaction per batch of grants), and with `concurrency=10` (slots
turn over: each end frees a slot the gate hands on). Both against the plain gather.

F2 is the fair claim (`claim_instances`: workflows take turns at equal priority) with a backlog
of `f2_backlog` runnable instances of one workflow and a few of another, against a plain claim
(oldest first, on the index that claim had before claims were fair, built for it and dropped
after; the runner is stopped first). Each claim leases `_CLAIM` instances inside a transaction that is rolled back, so every
repeat sees the same backlog; the rows are deleted afterwards.
"""

from __future__ import annotations

import datetime
import time

import asyncpg

from benchmarks.context import Context
from benchmarks.results import Measured
from benchmarks.runtime_workloads import WrongResult, _timed
from benchmarks.workflows import BenchFanOut, BenchFanOutGated, BenchFanOutNarrow
from waymark_runtime.store.sql import queries

_CLAIM = 200  # the runner's claim batch
_BACKLOG, _LATE = "BenchBacklog", "BenchLate"
_FILL = """
INSERT INTO waymark_instances (id, workflow_name, workflow_version, inputs, status, wake_at,
                               created_at, updated_at)
SELECT gen_random_uuid(), $1, 'v1', '{}', 'queued', now() - $4::interval + g * $3::interval,
       now() - $4::interval, now()
FROM generate_series(1, $2) AS g
"""
_PLAIN_INDEX = """
CREATE INDEX bench_plain_runnable ON waymark_instances (priority DESC, wake_at)
WHERE lease_owner IS NULL AND wake_at IS NOT NULL
"""
_PLAIN_CLAIM = """
WITH picked AS (
    SELECT id FROM waymark_instances
    WHERE lease_owner IS NULL AND wake_at <= to_timestamp($3)
    ORDER BY priority DESC, wake_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE waymark_instances AS i
SET lease_owner = $1, lease_expires_at = to_timestamp($3 + $4), wake_at = NULL
FROM picked WHERE i.id = picked.id
RETURNING i.id, i.workflow_name
"""


async def f1(ctx: Context) -> Measured:
    _, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    count, measured = ctx.scale.w2_actions, Measured()
    shapes = (("F1.plain", BenchFanOut), ("F1.gated", BenchFanOutGated),
              ("F1.narrow", BenchFanOutNarrow))  # fmt: skip
    for _, workflow in shapes:  # warm-up: each program's first claim parses it
        await _timed(runner, workflow().run(10))
    for _ in range(ctx.scale.repeats):
        for key, workflow in shapes:
            length, seconds = await _timed(runner, workflow().run(count))
            if length != count:
                raise WrongResult(f"{workflow.__name__} returned {length!r}, expected {count}")
            measured.add(key, count / seconds)
    return measured


async def f2(ctx: Context) -> Measured:
    database, _, runners = ctx.require()
    await runners.close()  # a live runner would claim the backlog
    backlog, measured = ctx.scale.f2_backlog, Measured(details={"backlog": ctx.scale.f2_backlog})
    connection = await asyncpg.connect(database.dsn)
    try:
        await _fill(connection, backlog)
        await connection.execute(_PLAIN_INDEX)
        await connection.execute("ANALYZE waymark_instances")
        plain = [await _claim_ms(connection, _PLAIN_CLAIM) for _ in range(ctx.scale.repeats + 1)]
        await connection.execute("DROP INDEX bench_plain_runnable")
        fair_sql = queries()["claim_instances"]
        fair = [await _claim_ms(connection, fair_sql, fair=True)
                for _ in range(ctx.scale.repeats + 1)]  # fmt: skip
        for value in plain[1:]:  # the first of each warms the cache
            measured.add("F2.plain", value)
        for value in fair[1:]:
            measured.add("F2.fair", value)
        return measured
    finally:
        await connection.execute("DROP INDEX IF EXISTS bench_plain_runnable")
        await connection.execute(
            "DELETE FROM waymark_instances WHERE workflow_name = ANY ($1::text[])",
            [_BACKLOG, _LATE],
        )
        await connection.close()


async def _fill(connection: asyncpg.Connection, backlog: int) -> None:
    """`backlog` runnable instances of one workflow, due one millisecond apart from an hour
    ago; then 50 of another, due since a minute ago (submitted later)."""
    for name in (_BACKLOG, _LATE):
        await connection.execute(
            "INSERT INTO waymark_workflow_versions (name, version, wrl) VALUES ($1, 'v1', 'x') "
            "ON CONFLICT DO NOTHING", name)  # fmt: skip
    apart = datetime.timedelta(milliseconds=1)
    await connection.execute(_FILL, _BACKLOG, backlog, apart, datetime.timedelta(hours=1))
    await connection.execute(_FILL, _LATE, 50, apart, datetime.timedelta(minutes=1))


async def _claim_ms(connection: asyncpg.Connection, sql: str, *, fair: bool = False) -> float:
    """Milliseconds of one claim of `_CLAIM` instances, rolled back; the fair claim must give
    the late workflow its turn, which the plain one, oldest first, cannot."""
    args: list[object] = ["bench", _CLAIM, time.time(), 60.0]
    if fair:
        args += [None]
    transaction = connection.transaction()
    await transaction.start()
    try:
        started = time.perf_counter()
        rows = await connection.fetch(sql, *args)
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        await transaction.rollback()
    late = sum(row["workflow_name"] == _LATE for row in rows)
    if len(rows) != _CLAIM or (late == 0) == fair:
        raise WrongResult(f"a claim leased {len(rows)} instances, {late} of the later workflow")
    return elapsed
