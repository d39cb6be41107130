"""The suite's driver: pick workloads, set up the database side, run each, assemble the report.

Order matters on a shared machine: C1 and I1 run first (no database, nothing else running), then
the ceiling, then W1-W6 against one `start-workers` process at a time, then L1 (in process, once
every runner has stopped). A workload that raises is reported as an error and the others still
run; a database workload always brings the ceiling.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from benchmarks import (
    ceiling,
    dashboard_page,
    fan_out,
    flow_workloads,
    gather_cost,
    local_gather,
    offline_workloads,
    runtime_workloads,
    scale_workloads,
)
from benchmarks.context import Context, Runners
from benchmarks.database import prepare_database
from benchmarks.machine import machine_info, now_iso
from benchmarks.report import Report
from benchmarks.results import Measured, MetricResult, with_ratios
from benchmarks.spec import CEILING_CONNECTIONS, METRICS, WORKLOAD_TITLES, MetricSpec, Scale
from waymark_runtime.client import connect
from waymark_runtime.config import Settings


async def _ceiling(ctx: Context) -> Measured:
    database, _, _ = ctx.require()
    return await ceiling.measure_ceiling(database.dsn, ctx.scale)


@dataclass(frozen=True, slots=True)
class Workload:
    name: str
    needs_database: bool
    run: Callable[[Context], Awaitable[Measured]]


WORKLOADS: tuple[Workload, ...] = (
    Workload("C1", False, offline_workloads.c1),
    Workload("I1", False, offline_workloads.i1),
    Workload("ceiling", True, _ceiling),
    Workload("W1", True, runtime_workloads.w1),
    Workload("W2", True, fan_out.w2),
    Workload("W3", True, runtime_workloads.w3),
    Workload("W4", True, runtime_workloads.w4),
    Workload("W5", True, runtime_workloads.w5),
    Workload("W6", True, runtime_workloads.w6),
    Workload("W7", True, runtime_workloads.w7),
    Workload("W8", True, gather_cost.w8),
    Workload("F1", True, flow_workloads.f1),
    Workload("F2", True, flow_workloads.f2),
    Workload("D1", True, dashboard_page.d1),
    Workload("S1", True, scale_workloads.s1),
    Workload("S2", True, scale_workloads.s2),
    Workload("R1", True, runtime_workloads.r1),
    Workload("L1", False, local_gather.l1),
)
NAMES = tuple(w.name for w in WORKLOADS)
TABLE_ORDER = ("ceiling", "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "F1", "F2", "S1", "P1", "S2",
               "R1", "D1", "C1", "I1", "L1")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Options:
    scale: Scale
    mode: str
    only: frozenset[str] | None = None
    profile_dir: Path | None = None
    synchronous_commit: bool = True


def selected(only: frozenset[str] | None) -> list[Workload]:
    """The workloads to run, in suite order; any database workload brings the ceiling."""
    chosen = [w for w in WORKLOADS if only is None or w.name in only]
    if any(w.needs_database for w in chosen) and all(w.name != "ceiling" for w in chosen):
        chosen.insert(next(i for i, w in enumerate(chosen) if w.needs_database), WORKLOADS[2])
    return chosen


async def run_suite(options: Options, console: Console) -> Report:
    settings = Settings.from_env()
    workloads = selected(options.only)
    report = Report(date=now_iso(), mode=options.mode, machine=machine_info(), database=None,
                    settings={}, scale=dataclasses.asdict(options.scale), results=[])  # fmt: skip
    measured: dict[str, Measured] = {}
    async with _context(options, settings, workloads, report) as ctx:
        for workload in workloads:
            outcome = await _run_one(workload, ctx, options, console)
            if isinstance(outcome, Measured):
                measured[workload.name] = outcome
            else:
                report.errors[workload.name] = outcome
    report.results = _results(measured, options.scale)
    report.details.update({name: m.details for name, m in measured.items() if m.details})
    for outcome in measured.values():
        report.notes.update(outcome.notes)
    return report


@contextlib.asynccontextmanager
async def _context(
    options: Options, settings: Settings, workloads: list[Workload], report: Report
) -> AsyncIterator[Context]:
    ctx = Context(options.scale, None, None, None, settings.worker_count,
                  settings.concurrent_per_worker)  # fmt: skip
    if not any(w.needs_database for w in workloads):
        yield ctx
        return
    sync = options.synchronous_commit
    ctx.database = database = await prepare_database(settings, synchronous_commit=sync)
    log_dir = Path(tempfile.mkdtemp(prefix="waymark-bench-"))
    report.database = database.describe()
    report.settings = {"worker_count": settings.worker_count,
                       "concurrent_per_worker": settings.concurrent_per_worker,
                       "ceiling_connections": CEILING_CONNECTIONS, "synchronous_commit": sync,
                       "runner_logs": str(log_dir)}  # fmt: skip
    async with connect(database.dsn) as client:  # migrates the fresh database before runners
        ctx.client, ctx.runners = client, Runners(database.dsn, log_dir, options.profile_dir)
        try:
            yield ctx
        finally:
            await ctx.runners.close()
            report.details["runners"] = ctx.runners.started


async def _run_one(
    workload: Workload, ctx: Context, options: Options, console: Console
) -> Measured | str:
    """The workload's measurements, or the error that stopped it (as one line)."""
    console.print(f"[bold]{workload.name}[/bold] {WORKLOAD_TITLES[workload.name]}", highlight=False)
    started = time.perf_counter()
    try:
        with _profiled(options.profile_dir, workload.name):
            outcome: Measured | str = await workload.run(ctx)
    except Exception as error:
        outcome = f"{type(error).__name__}: {error}"
        console.print(f"  [red]error[/red] {escape(outcome)}", highlight=False)
    console.print(f"  {time.perf_counter() - started:.1f} s", style="dim")
    return outcome


@contextlib.contextmanager
def _profiled(profile_dir: Path | None, name: str) -> Iterator[None]:
    """With `--profile`, this process's side of a workload under pyinstrument."""
    if profile_dir is None:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="enabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        (profile_dir / f"{name}-suite.txt").write_text(profiler.output_text(unicode=True))


def _results(measured: dict[str, Measured], scale: Scale) -> list[MetricResult]:
    specs: dict[str, MetricSpec] = {spec.key: spec for spec in METRICS}
    for outcome in measured.values():
        specs.update((spec.key, spec) for spec in outcome.specs)
    samples: dict[str, list[float]] = {}
    paired: dict[str, list[float]] = {}
    for outcome in measured.values():
        samples.update(outcome.samples)
        paired.update(outcome.paired)
    fields = dataclasses.asdict(scale)
    results = [MetricResult(spec, spec.label.format(**fields), samples[key], paired.get(key, []))
               for key, spec in specs.items() if key in samples]  # fmt: skip
    results.sort(key=lambda result: TABLE_ORDER.index(result.spec.workload))
    return with_ratios(results)
