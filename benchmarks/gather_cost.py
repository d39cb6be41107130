"""W8: what a runner spends per action of an I/O-bound gather, against a gather of no-op actions.

On one `start-workers` process, for each size: a gather of actions that each sleep 50 ms
(`BenchNaps`: results come back a few at a time, so the gather is stepped many times while it
waits), the same with sleeps of 25 to 75 ms (`BenchSpreadNaps`: equal sleeps started together
end together, unequal ones one at a time, as real calls do) and a gather of no-op actions of the
same size (`BenchFanOut`), one after the other in the same repeat. Each run is bracketed by the
runner's own CPU time (`/proc`, its process only: the actions run in its worker processes), its
worker processes' (the runner's children) and PostgreSQL's (`pg_cost`: the server's processes,
the WAL position). Per action: runner CPU, workers' CPU, server CPU and WAL bytes, and the rates.
The targets: the 50 ms gather's runner CPU per action within 2x of the no-op gather's, and
flat as the gather grows (the largest size against the smallest).

A runner spends CPU while it waits, too (its safety-net claim poll, the scheduler's tick, timers),
and a 50 ms gather lasts ~40 times as long as the no-op one: each repeat also measures the
runner idle for `_IDLE_SECONDS`, and a row gives the ratio with that idle cost, over the
gather's duration, taken out of the 50 ms gather's CPU. It has no target; the gross ratio
keeps its own.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from benchmarks import pg_cost
from benchmarks.context import Context
from benchmarks.machine import children_cpu_seconds, own_cpu_seconds
from benchmarks.results import Measured
from benchmarks.runner_process import RunnerProcess
from benchmarks.spec import MetricSpec, Target
from benchmarks.workflows import BenchFanOut, BenchNaps, BenchSpreadNaps

_PATIENCE = 600.0
_IDLE_SECONDS = 3.0
_KINDS: dict[str, Any] = {"naps": BenchNaps, "spread": BenchSpreadNaps, "noop": BenchFanOut}
_METRICS = ("rate", "runner_cpu_ms", "workers_cpu_ms", "server_cpu_ms", "wal_bytes")
_TITLES = {"naps": "50 ms actions", "spread": "25-75 ms actions", "noop": "no-op actions"}


async def w8(ctx: Context) -> Measured:
    database, _, runners = ctx.require()
    runner = await runners.get(ctx.concurrency)
    sizes = ctx.scale.w8_actions
    measured = Measured(specs=w8_specs(sizes),
                        details={"sizes": list(sizes), "concurrency": ctx.concurrency,
                                 "worker_count": ctx.worker_count, "windows": []})  # fmt: skip
    for _ in range(ctx.scale.repeats):
        idle = await _idle_cpu(runner.pid)
        measured.add("W8.idle", idle)
        cpu: dict[tuple[str, int], float] = {}
        seconds: dict[tuple[str, int], float] = {}
        for count in sizes:
            for kind in _KINDS:
                window = await _window(runner, database.dsn, kind, count)
                measured.details["windows"].append(window)
                cpu[kind, count], seconds[kind, count] = window["runner_cpu_ms"], window["seconds"]
                for metric in _METRICS:
                    if window[metric] is not None:
                        measured.add(f"W8.{kind}{count}.{metric}", window[metric])
            measured.add(f"W8.x{count}", _ratio(cpu["naps", count], cpu["noop", count], count))
            net = cpu["naps", count] - idle * seconds["naps", count] / count
            measured.add(f"W8.net_x{count}", _ratio(net, cpu["noop", count], count))
            spread = _ratio(cpu["spread", count], cpu["noop", count], count)
            measured.add(f"W8.spread_x{count}", spread)
        measured.add("W8.flat", _ratio(cpu["naps", sizes[-1]], cpu["naps", sizes[0]], sizes[0]))
    return measured


async def _idle_cpu(pid: int) -> float:
    """The runner's own CPU while it has no work, in ms per second (after a moment for the
    commits of the last window to end)."""
    await asyncio.sleep(0.5)
    before = own_cpu_seconds(pid)
    await asyncio.sleep(_IDLE_SECONDS)
    return (own_cpu_seconds(pid) - before) / _IDLE_SECONDS * 1000


def _ratio(cpu_ms: float, base_ms: float, count: int) -> float:
    """`cpu_ms` against `base_ms` (ms per action); the kernel counts CPU time in ticks, so a
    base that rounded to nothing counts as one tick (tiny `--quick` gathers)."""
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    return cpu_ms / max(base_ms, tick_ms / count)


async def _window(runner: RunnerProcess, dsn: str, kind: str, count: int) -> dict[str, Any]:
    """One gather of `count` actions of `kind`, with its cost per action."""
    before, cpu_before = await pg_cost.snapshot(dsn, stat_wal=False), own_cpu_seconds(runner.pid)
    workers_before = children_cpu_seconds(runner.pid)
    started = time.perf_counter()
    length = await runner.watch(_KINDS[kind]().run(count), _PATIENCE)
    seconds = time.perf_counter() - started
    cpu_after, workers_after = own_cpu_seconds(runner.pid), children_cpu_seconds(runner.pid)
    after = await pg_cost.snapshot(dsn, stat_wal=False)
    if length != count:
        raise RuntimeError(f"{_KINDS[kind].__name__} returned {length!r}, expected {count}")
    cost = pg_cost.per_action(before, after, count)
    return {"kind": kind, "actions": count, "seconds": seconds, "rate": count / seconds,
            "runner_cpu_ms": (cpu_after - cpu_before) / count * 1000,
            "workers_cpu_ms": _per_action(workers_before, workers_after, count),
            "server_cpu_ms": cost.server_cpu_ms, "wal_bytes": cost.wal_bytes}  # fmt: skip


def _per_action(before: float | None, after: float | None, count: int) -> float | None:
    return None if before is None or after is None else (after - before) / count * 1000


def w8_specs(sizes: tuple[int, ...]) -> list[MetricSpec]:
    """W8's rows: per size and kind the rate and the costs per action (the I/O-bound gather's
    against the no-op gather's of the same size), the CPU ratio per size, and the growth."""
    specs = [MetricSpec("W8.idle", "W8", "runner CPU while it waits for work (polls, timers)",
                        "ms/s", False)]  # fmt: skip
    for count in sizes:
        for kind, title in _TITLES.items():
            base = None if kind == "noop" else f"W8.noop{count}"
            of = f"gather of {count:,} {title}"
            specs += [
                MetricSpec(f"W8.{kind}{count}.rate", "W8", of, "actions/s", True),
                MetricSpec(f"W8.{kind}{count}.runner_cpu_ms", "W8", f"{of}: runner CPU",
                           "ms/action", False, base and f"{base}.runner_cpu_ms"),
                MetricSpec(f"W8.{kind}{count}.workers_cpu_ms", "W8", f"{of}: workers' CPU",
                           "ms/action", False, base and f"{base}.workers_cpu_ms"),
                MetricSpec(f"W8.{kind}{count}.server_cpu_ms", "W8", f"{of}: PostgreSQL CPU",
                           "ms/action", False, base and f"{base}.server_cpu_ms"),
                MetricSpec(f"W8.{kind}{count}.wal_bytes", "W8", f"{of}: WAL",
                           "bytes/action", False, base and f"{base}.wal_bytes"),
            ]  # fmt: skip
        label = f"runner CPU per action, 50 ms against no-op actions, gathers of {count:,}"
        specs.append(MetricSpec(f"W8.x{count}", "W8", label, "x", False, None, Target("<=", 2)))
        label = f"the same, less the runner's idle CPU over the gather's time, gathers of {count:,}"
        specs.append(MetricSpec(f"W8.net_x{count}", "W8", label, "x", False))
        label = f"runner CPU per action, 25-75 ms against no-op actions, gathers of {count:,}"
        specs.append(MetricSpec(f"W8.spread_x{count}", "W8", label, "x", False))
    label = f"runner CPU per action of 50 ms actions, {sizes[-1]:,} against {sizes[0]:,}"
    specs.append(MetricSpec("W8.flat", "W8", label, "x", False, None, Target("<=", 1.5)))
    return specs
