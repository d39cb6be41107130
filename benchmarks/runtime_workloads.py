"""W1, W3-W7 and R1: workflows run end to end on PostgreSQL by a real `start-workers` process
(W2 and W2.otel, measured in pairs, are `fan_out`).

Each workload submits instances through the production client (`await Workflow().run()`),
checks every result (a wrong answer is an error, never a number), and times wall clock from the
first submission to the last result. W5 reads the runtime's tables to know when every instance
sleeps, and moves the sleeps' deadlines to now so all instances wake at the same moment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg

from benchmarks import dbos_peer
from benchmarks.context import Context
from benchmarks.database import database_bytes
from benchmarks.machine import children, cpu_seconds, rss_mb
from benchmarks.results import Measured, percentile
from benchmarks.runner_process import RunnerProcess
from benchmarks.spec import w6_specs
from benchmarks.workflows import (
    NAP_SECONDS,
    BenchChildren,
    BenchNaps,
    BenchOneAction,
    BenchSequential,
    BenchSignalled,
    BenchSleeper,
    BenchThreeSteps,
)

T = TypeVar("T")
_SUBMIT_CHUNK = 200
_PATIENCE = 600.0  # a hung runtime fails the workload instead of hanging the suite
_LONG_SLEEP = 3600.0  # far beyond the eviction threshold: every sleeper is released to the db


class WrongResult(RuntimeError):
    """A workflow returned something other than what its body computes."""


def _check(got: Any, expected: Any, what: str) -> None:
    if got != expected:
        raise WrongResult(f"{what} returned {got!r}, expected {expected!r}")


async def _timed(runner: RunnerProcess, awaitable: Awaitable[T]) -> tuple[T, float]:
    """Wall-clock seconds of `awaitable`, which must finish while the runner lives."""
    started = time.perf_counter()
    value = await runner.watch(awaitable, _PATIENCE)
    return value, time.perf_counter() - started


async def w1(ctx: Context) -> Measured:
    """W1, then DBOS Transact running the same loop on the same server (`dbos_peer`), and
    W1's rate against DBOS's, repeat by repeat."""
    database, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    count, measured = ctx.scale.w1_actions, Measured()
    for _ in range(ctx.scale.repeats):
        total, seconds = await _timed(runner, BenchSequential().run(count))
        _check(total, sum(range(count)), "BenchSequential")
        measured.add("W1.actions", count / seconds)
    if not dbos_peer.available():
        measured.notes["W1.dbos"] = (
            "not measured: dbos is not installed (pip install -e '.[bench]')"
        )
        return measured
    await runners.close()  # DBOS alone on the machine, as W1 was
    peer = await dbos_peer.measure(database.dsn, count, ctx.scale.repeats)
    for ours, theirs in zip(measured.samples["W1.actions"], peer, strict=True):
        measured.add("W1.dbos", theirs)
        measured.add("W1.peer", ours / theirs)
    return measured


async def w7(ctx: Context) -> Measured:
    _, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    count, measured = ctx.scale.w7_children, Measured()
    for _ in range(ctx.scale.repeats):
        total, seconds = await _timed(runner, BenchChildren().run(count))
        _check(total, sum(range(count)), "BenchChildren")
        measured.add("W7.children", count / seconds)
    return measured


async def w3(ctx: Context) -> Measured:
    _, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    count, measured = ctx.scale.w3_instances, Measured()
    for _ in range(ctx.scale.repeats):
        runs = asyncio.gather(*(BenchThreeSteps().run(seed) for seed in range(count)))
        results, seconds = await _timed(runner, runs)
        _check(results, [seed + 2 for seed in range(count)], "BenchThreeSteps")
        measured.add("W3.actions", 3 * count / seconds)
        measured.add("W3.instances", count / seconds)
    return measured


async def w4(ctx: Context) -> Measured:
    _, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    measured = Measured(details={"latencies_ms": []})
    for _ in range(ctx.scale.repeats):
        latencies = []
        for seed in range(ctx.scale.w4_runs):
            result, seconds = await _timed(runner, BenchOneAction().run(seed))
            _check(result, seed, "BenchOneAction")
            latencies.append(seconds * 1000)
        _add_latencies(measured, "W4", latencies)
    return measured


def _add_latencies(measured: Measured, workload: str, latencies: list[float]) -> None:
    """One repeat of a latency workload: its samples, and their p50 and p95."""
    measured.details["latencies_ms"].append(latencies)
    measured.add(f"{workload}.p50", percentile(latencies, 0.50))
    measured.add(f"{workload}.p95", percentile(latencies, 0.95))


async def r1(ctx: Context) -> Measured:
    """Signal round trip: an instance waits for `ping`; the time from `send_signal` to the
    instance's result (it resumes, ends and its outcome is notified), one instance a round."""
    import waymark

    _, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    measured = Measured(details={"latencies_ms": []})
    for _ in range(ctx.scale.repeats):
        latencies = []
        for seed in range(ctx.scale.r1_rounds):
            instance_id = await BenchSignalled().run(seed, _blocking=False)
            await runner.watch(_until_waiting(instance_id), _PATIENCE)
            started = time.perf_counter()
            await waymark.send_signal(instance_id, "ping", 1)
            result = await runner.watch(waymark.get_result(instance_id), _PATIENCE)
            latencies.append((time.perf_counter() - started) * 1000)
            _check(result, seed + 1, "BenchSignalled")
        _add_latencies(measured, "R1", latencies)
    return measured


async def _until_waiting(instance_id: str) -> None:
    """Until the instance waits for its signal (released to the database)."""
    import waymark

    store = (await waymark.admin()).store
    while True:
        rows = await store.signals_of(instance_id)
        if any(row["kind"] == "wait" and row["done"] is None for row in rows):
            status = await store.status(instance_id)
            if status is not None and status["lease_owner"] is None:
                return
        await asyncio.sleep(0.002)


async def w6(ctx: Context) -> Measured:
    _, _, runners = ctx.require()
    measured = Measured(details={"worker_count": ctx.worker_count, "counts": {}})
    for concurrency in ctx.scale.w6_concurrency:
        runner = await runners.get(concurrency)
        ideal = ctx.worker_count * concurrency / NAP_SECONDS
        count = max(ctx.worker_count * concurrency, round(ideal * ctx.scale.w6_seconds))
        measured.specs.extend(specs := w6_specs(concurrency, ideal))
        key = specs[0].key
        measured.details["counts"][key] = count
        for _ in range(ctx.scale.repeats):
            workers = children(runner.pid)
            cpu = cpu_seconds(runner.pid), sum(map(cpu_seconds, workers))
            length, seconds = await _timed(runner, BenchNaps().run(count))
            _check(length, count, "BenchNaps")
            measured.add(key, count / seconds)
            measured.add(f"{key}.runner_cpu", (cpu_seconds(runner.pid) - cpu[0]) / count * 1000)
            spent = sum(map(cpu_seconds, workers)) - cpu[1]
            measured.add(f"{key}.worker_cpu", spent / count * 1000)
            measured.add(f"{key}.worker_rss", sum(rss_mb(pid, "VmHWM") for pid in workers))
    return measured


# W5 -------------------------------------------------------------------------------------------

# Timers of finished sleeps stay (with `finished_at`) until their instance is collected.
_COUNT_TIMERS = "SELECT count(*) FROM waymark_timers WHERE finished_at IS NULL"
_COUNT_LEASED = "SELECT count(*) FROM waymark_instances WHERE lease_owner IS NOT NULL"
_SLEEPERS = """
SELECT count(*) FILTER (WHERE status NOT IN ('completed', 'failed')) AS open,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       extract(epoch FROM max(finished_at))::float8 AS last
FROM waymark_instances WHERE workflow_name = 'BenchSleeper'
"""
_WAKE_TIMERS = "UPDATE waymark_timers SET wake_at = to_timestamp($1) WHERE finished_at IS NULL"
_WAKE_INSTANCES = """
UPDATE waymark_instances SET wake_at = to_timestamp($1)
WHERE wake_at IS NOT NULL AND finished_at IS NULL
"""


async def w5(ctx: Context) -> Measured:
    database, _, runners = ctx.require()
    measured = Measured(details={"instances": ctx.scale.w5_instances, "sleep_seconds": _LONG_SLEEP})
    connection = await asyncpg.connect(database.dsn)
    try:
        for _ in range(ctx.scale.w5_repeats):
            runner = await runners.get(ctx.concurrency, fresh=ctx.scale.w5_fresh_runner)
            await _sleep_and_wake(runner, connection, ctx.scale.w5_instances, measured)
        if ctx.scale.w5_large:
            runner = await runners.get(ctx.concurrency, fresh=True)
            await _sleep_at_scale(runner, connection, ctx.scale.w5_large, measured)
            await runners.close()  # the next workload starts on a runner that held no one
    finally:
        await connection.close()
    return measured


async def _sleep_at_scale(
    runner: RunnerProcess, connection: asyncpg.Connection, count: int, measured: Measured
) -> None:
    """Ten times W5's sleepers on one runner: its RSS once all sleep. They are deleted
    afterwards instead of woken (the drain is W5's own measure)."""
    await runner.watch(_submit_sleepers(count), _PATIENCE * 4)
    await _until(runner, 60.0 + count / 50, lambda: _all_asleep(connection, count))
    measured.add("W5.rss_large", await _peak_rss(runner, 1.0))
    await connection.execute("DELETE FROM waymark_instances WHERE workflow_name = 'BenchSleeper'")


async def _sleep_and_wake(
    runner: RunnerProcess, connection: asyncpg.Connection, count: int, measured: Measured
) -> None:
    patience = 60.0 + count / 50
    measured.add("W5.rss_idle", runner.rss_mb())
    size_before = await database_bytes(connection)
    started = time.perf_counter()
    await runner.watch(_submit_sleepers(count), _PATIENCE)
    await _until(runner, patience, lambda: _all_asleep(connection, count))
    measured.add("W5.asleep", count / (time.perf_counter() - started))
    measured.add("W5.rss", await _peak_rss(runner, 1.0))
    measured.add("W5.db_growth", (await database_bytes(connection) - size_before) / 1_000_000)
    woke = time.time()
    async with connection.transaction():
        await connection.execute(_WAKE_TIMERS, woke)
        await connection.execute(_WAKE_INSTANCES, woke)
    await _until(runner, patience, lambda: _all_finished(connection))
    last = (await connection.fetchrow(_SLEEPERS))["last"]
    measured.add("W5.drain", count / (float(last) - woke))


async def _submit_sleepers(count: int) -> None:
    """Fire-and-forget submissions, `_SUBMIT_CHUNK` at a time, as an application would."""
    for first in range(0, count, _SUBMIT_CHUNK):
        seeds = range(first, min(first + _SUBMIT_CHUNK, count))
        await asyncio.gather(*(_submit_sleeper(seed) for seed in seeds))


async def _submit_sleeper(seed: int) -> str:
    instance_id: Any = await BenchSleeper().run(_LONG_SLEEP, seed, _blocking=False)  # type: ignore[call-arg]
    return str(instance_id)


async def _all_asleep(connection: asyncpg.Connection, count: int) -> bool:
    timers = await connection.fetchval(_COUNT_TIMERS)
    return bool(timers == count and await connection.fetchval(_COUNT_LEASED) == 0)


async def _all_finished(connection: asyncpg.Connection) -> bool:
    row = await connection.fetchrow(_SLEEPERS)
    if row["failed"]:
        raise WrongResult(f"{row['failed']} BenchSleeper instances failed")
    return bool(row["open"] == 0)


async def _until(
    runner: RunnerProcess, patience: float, done: Callable[[], Awaitable[bool]]
) -> None:
    deadline = time.perf_counter() + patience
    while not await done():
        runner.check_alive()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"W5: not done after {patience:.0f} s")
        await asyncio.sleep(0.05)


async def _peak_rss(runner: RunnerProcess, seconds: float) -> float:
    """The highest RSS over a short window (the runner may still be settling)."""
    peak = runner.rss_mb()
    for _ in range(int(seconds / 0.1)):
        await asyncio.sleep(0.1)
        peak = max(peak, runner.rss_mb())
    return peak
