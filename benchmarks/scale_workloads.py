"""S1 and S2: several `start-workers` processes on one database, and fairness next to a big gather.

S1 runs the same load with 1, 2 and 4 runner processes (each with one worker process, so a
runner count brings the matching worker count) on a database of its own, `waymark_bench_scale`,
that nothing else connects to. Two loads: W3's (many instances of three sequential actions) and
W2's spread over several instances (a few gathers at once: one instance is held by one runner,
so a single gather cannot scale out). Each window — start the runners, run the load once, stop
them — is bracketed by PostgreSQL counter snapshots (`pg_cost`), taken once every session of
the window has closed, so the one-runner windows also give the per-action cost. The windows of
one repeat run every load and runner count once, so a change of the machine's load moves them
alike.

S2 starts one gather of `s2_actions` no-op actions, waits until its attempts are recorded (all of
them queued for the workers), then times one one-action instance submitted after it: how long a
huge gather holds back a small instance on the same runner.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg

from benchmarks import pg_cost
from benchmarks.context import Context
from benchmarks.database import bench_database, recreate, with_database
from benchmarks.results import Measured
from benchmarks.runner_process import RunnerDied, RunnerProcess
from benchmarks.spec import s1_specs
from benchmarks.workflows import BenchFanOut, BenchOneAction, BenchThreeSteps
from waymark_runtime.client import connect
from waymark_runtime.store.pg_migrate import migrate

_READY_TIMEOUT = 90.0
_PATIENCE = 600.0
_READY_LINE = " ready"  # the runner logs "runner <owner> ready" once its workers are up
# Instances one runner may hold (`WAYMARK_MAX_CONCURRENT_INSTANCES`) per load: with the default
# (500) the first runner to wake claims a whole burst alone and the others idle; a bound that
# still keeps one runner's worker busy (10 slots) spreads the burst over the runners.
_HOLD = {"w3": 50, "w2": 2}
_SHARES = """
SELECT count(*) AS n FROM waymark_attempts WHERE lease_owner IS NOT NULL
GROUP BY lease_owner ORDER BY n DESC
"""


async def s1(ctx: Context) -> Measured:
    database, _, runners = ctx.require()
    await runners.close()  # the suite's runner would take part of the work
    scale_database = f"{bench_database()}_scale"
    dsn = with_database(database.dsn, scale_database)
    [setting] = await _fetch(database.dsn, "SHOW synchronous_commit")  # as the suite's database
    await recreate(database.dsn, scale_database, synchronous_commit=setting[0] != "off")
    await asyncio.to_thread(migrate, dsn)
    scale = ctx.scale
    measured = Measured(details={"runner_counts": list(scale.s1_runners), "windows": []})
    measured.specs.extend(s1_specs(scale.s1_runners))
    for _ in range(scale.repeats):  # interleaved: the machine's load moves all counts alike
        for load in ("w3", "w2"):
            for count in scale.s1_runners:
                window = await _window(ctx, dsn, runners.log_dir, load, count)
                measured.details["windows"].append(window)
                measured.add(f"S1.{load}.r{count}", window["rate"])
                if count == scale.s1_runners[0]:
                    _add_cost(measured, load, window["cost"])
    _add_efficiency(measured, scale.s1_runners)
    return measured


def _add_cost(measured: Measured, load: str, cost: dict[str, Any]) -> None:
    measured.add(f"P1.{load}.commits", cost["commits"])
    measured.add(f"P1.{load}.rows", cost["rows"])
    measured.add(f"P1.{load}.wal", cost["wal_bytes"])
    if cost["server_cpu_ms"] is not None:
        measured.add(f"P1.{load}.cpu", cost["server_cpu_ms"])
        measured.add(f"P1.{load}.per_core", 1000 / cost["server_cpu_ms"])


def _add_efficiency(measured: Measured, counts: tuple[int, ...]) -> None:
    """Each count's median rate against `count` times the one-runner median, in percent."""
    first = counts[0]
    for load in ("w3", "w2"):
        one = statistics.median(measured.samples[f"S1.{load}.r{first}"]) / first
        for count in counts[1:]:
            for rate in measured.samples[f"S1.{load}.r{count}"]:
                measured.add(f"S1.{load}.e{count}", 100 * rate / (count * one))


async def _window(ctx: Context, dsn: str, log_dir: Path, load: str, count: int) -> dict[str, Any]:
    """Start `count` runners, run `load` once, stop them: the rate, what each runner ran and
    the per-action cost (start-up, idle polls and heartbeats of the window included)."""
    await _empty(dsn)
    await pg_cost.settle(dsn)
    before = await pg_cost.snapshot(dsn)
    label = f"s1-{load}-r{count}-{time.monotonic_ns()}"
    hold = _HOLD[load]
    async with _runners(dsn, ctx.concurrency, log_dir, label, count, hold) as group, connect(dsn):
        await _watch(group, BenchOneAction().run(0))
        actions, seconds = await _run_load(group, load, ctx)
    await pg_cost.settle(dsn)
    cost = pg_cost.per_action(before, await pg_cost.snapshot(dsn), actions + 1)
    return {"load": load, "runners": count, "hold": hold, "rate": actions / seconds,
            "actions": actions,
            "attempts_per_runner": await _shares(dsn), "cost": cost.as_json()}  # fmt: skip


async def _fetch(dsn: str, sql: str) -> list[asyncpg.Record]:
    """One statement on a connection of its own (closed at once: `settle` waits for no one)."""
    connection = await asyncpg.connect(dsn)
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


async def _empty(dsn: str) -> None:
    await _fetch(dsn, "TRUNCATE waymark_instances CASCADE")


async def _shares(dsn: str) -> list[int]:
    """Attempts each runner started in the window, most first: how the work spread."""
    return [int(row["n"]) for row in await _fetch(dsn, _SHARES)]


async def _run_load(group: list[RunnerProcess], load: str, ctx: Context) -> tuple[int, float]:
    scale = ctx.scale
    started = time.perf_counter()
    if load == "w3":
        seeds = range(scale.s1_instances)
        results = await _watch(group, asyncio.gather(*(BenchThreeSteps().run(s) for s in seeds)))
        _expect(results, [seed + 2 for seed in seeds])
        done = 3 * scale.s1_instances
    else:
        size = scale.s1_gather_actions
        runs = (BenchFanOut().run(size) for _ in range(scale.s1_gathers))
        _expect(await _watch(group, asyncio.gather(*runs)), [size] * scale.s1_gathers)
        done = size * scale.s1_gathers
    return done, time.perf_counter() - started


def _expect(got: Any, expected: Any) -> None:
    if got != expected:
        raise RuntimeError(f"S1: wrong results ({str(got)[:200]})")


async def _watch(group: list[RunnerProcess], awaitable: Any) -> Any:
    """Await `awaitable` while every runner of the group lives."""
    task = asyncio.ensure_future(awaitable)
    deadline = time.perf_counter() + _PATIENCE
    try:
        while not task.done():
            for runner in group:
                runner.check_alive()
            if time.perf_counter() > deadline:
                raise RunnerDied(f"no answer from the runners in {_PATIENCE:.0f} s")
            await asyncio.wait({task}, timeout=0.2)
        return task.result()
    finally:
        task.cancel()


@asynccontextmanager
async def _runners(
    dsn: str, concurrency: int, log_dir: Path, label: str, count: int, hold: int
) -> AsyncIterator[list[RunnerProcess]]:
    env = {"WAYMARK_WORKER_COUNT": "1", "WAYMARK_LOG_LEVEL": "INFO",
           "WAYMARK_MAX_CONCURRENT_INSTANCES": str(hold)}  # fmt: skip
    group = [RunnerProcess(dsn, concurrency, log_dir / f"{label}-{i}.log", None, env)
             for i in range(count)]  # fmt: skip
    try:
        for runner in group:
            runner.start()
        for runner in group:
            await _ready(runner)
        yield group
    finally:
        await asyncio.gather(*(runner.stop() for runner in group))


async def _ready(runner: RunnerProcess) -> None:
    deadline = time.perf_counter() + _READY_TIMEOUT
    while _READY_LINE not in runner.log_path.read_text(errors="replace"):
        runner.check_alive()
        if time.perf_counter() > deadline:
            raise RunnerDied(f"start-workers not ready in {_READY_TIMEOUT:.0f} s{runner.tail()}")
        await asyncio.sleep(0.1)


# S2 -------------------------------------------------------------------------------------------

_RECORDED = "SELECT count(*) FROM waymark_attempts WHERE instance_id = $1::uuid"


async def s2(ctx: Context) -> Measured:
    database, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    size = ctx.scale.s2_actions
    measured = Measured(details={"gather": size, "runs": []})
    connection = await asyncpg.connect(database.dsn)
    try:
        for _ in range(ctx.scale.s2_repeats):
            run = await _small_after_big(runner, connection, size)
            measured.details["runs"].append(run)
            measured.add("S2.idle", run["idle_ms"])
            measured.add("S2.delay", run["small_ms"])
    finally:
        await connection.close()
    return measured


async def _small_after_big(
    runner: RunnerProcess, connection: asyncpg.Connection, size: int
) -> dict[str, float]:
    started = time.perf_counter()
    await runner.watch(BenchOneAction().run(1), _PATIENCE)
    idle_ms = (time.perf_counter() - started) * 1000
    big_id = str(await BenchFanOut().run(size, _blocking=False))  # type: ignore[call-arg]
    deadline = time.perf_counter() + _PATIENCE
    while await connection.fetchval(_RECORDED, big_id) < size:  # all its attempts are queued
        runner.check_alive()
        if time.perf_counter() > deadline:
            raise RunnerDied(f"S2: the gather's attempts were not recorded in {_PATIENCE:.0f} s")
        await asyncio.sleep(0.05)
    submitted = time.perf_counter()
    result = await runner.watch(BenchOneAction().run(7), _PATIENCE)
    small = time.perf_counter()
    _expect(result, 7)
    finished = await runner.watch(_result_of(big_id), _PATIENCE)
    _expect(finished, size)
    big = time.perf_counter()
    return {"idle_ms": idle_ms, "small_ms": (small - submitted) * 1000,
            "big_after_small_s": big - small}  # fmt: skip


async def _result_of(instance_id: str) -> Any:
    from waymark_runtime.client import get_result

    return await get_result(instance_id)
