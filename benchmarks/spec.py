"""What the suite measures: every metric, its unit, what it is divided by, and its target.

The targets of the benchmark issue live here and nowhere else (never in timed unit tests). A
metric's `baseline` names the metric measured in the same run that its ratio is taken against:
the asyncpg queue ceiling for the runtime workloads, CPython itself for C1 and I1. This module
is data only: no measuring, no printing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Target:
    """A bound a metric's median must meet: `>=` for rates, `<=` for times and sizes."""

    op: Literal[">=", "<="]
    value: float
    relative: bool = False
    """A bound on the ratio to the metric's baseline (`≥ 0.5x`), not on the median."""

    def met(self, observed: float) -> bool:
        return observed >= self.value if self.op == ">=" else observed <= self.value

    def __str__(self) -> str:
        sign = "≥" if self.op == ">=" else "≤"
        return f"{sign} {self.value:,g}{'x' if self.relative else ''}"


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One row of the table. `label` may name fields of `Scale` in braces (`{w1_actions}`)."""

    key: str
    workload: str
    label: str
    unit: str
    higher_is_better: bool
    baseline: str | None = None
    target: Target | None = None


@dataclass(frozen=True, slots=True)
class Scale:
    """Workload sizes: the issue's sizes by default, small ones for `--quick`."""

    ceiling_single: int
    ceiling_batched: int
    ceiling_batch: int
    ceiling_latency: int
    w1_actions: int
    w2_actions: int
    w3_instances: int
    w4_runs: int
    w5_instances: int
    w5_large: int  # sleepers of the one large W5 run (RSS only); 0 skips it
    w6_concurrency: tuple[int, ...]
    w6_seconds: float
    w7_children: int
    w8_actions: tuple[int, ...]  # gather sizes, smallest first
    r1_rounds: int
    c1_workflows: int
    c1_statements: int  # lines of the large run() of C1
    c1_items: int  # integers of the tuple literal of C1
    i1_rounds: int
    l1_small: int
    l1_large: int
    d1_instances: int
    s1_runners: tuple[int, ...]  # start-workers processes, one worker each; the first is the base
    s1_instances: int  # the W3 load: instances of three actions
    s1_gathers: int  # the W2 load: this many gathers at once ...
    s1_gather_actions: int  # ... of this many actions each
    s2_actions: int
    s2_repeats: int
    f2_backlog: int
    repeats: int
    w5_repeats: int
    w5_fresh_runner: bool  # measure RSS on a runner that ran nothing else


DEFAULT = Scale(
    ceiling_single=600,
    ceiling_batched=20_000,
    ceiling_batch=100,
    ceiling_latency=50,
    w1_actions=200,
    w2_actions=1_000,
    w3_instances=200,
    w4_runs=50,
    w5_instances=10_000,
    w5_large=100_000,
    w6_concurrency=(1, 10, 50, 100),
    w6_seconds=1.0,
    w7_children=1_000,
    w8_actions=(2_000, 8_000),
    r1_rounds=50,
    c1_workflows=50,
    c1_statements=10_000,
    c1_items=10_000,  # the largest display workflow code may hold (WM139)
    i1_rounds=20_000,
    l1_small=10_000,
    l1_large=40_000,
    d1_instances=100_000,
    s1_runners=(1, 2, 4),
    s1_instances=1_000,
    s1_gathers=8,
    s1_gather_actions=500,
    s2_actions=100_000,
    s2_repeats=1,
    f2_backlog=100_000,
    repeats=3,
    w5_repeats=3,
    w5_fresh_runner=True,
)

QUICK = Scale(
    ceiling_single=200,
    ceiling_batched=2_000,
    ceiling_batch=100,
    ceiling_latency=20,
    w1_actions=20,
    w2_actions=100,
    w3_instances=20,
    w4_runs=10,
    w5_instances=100,
    w5_large=0,
    w6_concurrency=(10,),
    w6_seconds=0.4,
    w7_children=50,
    w8_actions=(100, 400),
    r1_rounds=10,
    c1_workflows=10,
    c1_statements=1_000,
    c1_items=5_000,
    i1_rounds=2_000,
    l1_small=500,
    l1_large=2_000,
    d1_instances=1_000,
    s1_runners=(1, 2),
    s1_instances=100,
    s1_gathers=2,
    s1_gather_actions=100,
    s2_actions=2_000,
    s2_repeats=1,
    f2_backlog=2_000,
    repeats=1,
    w5_repeats=1,
    w5_fresh_runner=False,
)

# The ceiling uses as many connections as a runner's pool (`open_store` in
# waymark_runtime/worker/cli.py: max_size=6, two group commits in flight plus background loops).
CEILING_CONNECTIONS = 6


def _rate(
    key: str, label: str, unit: str, baseline: str | None = None, target: float | None = None
) -> MetricSpec:
    """A metric where more is better (throughput); its target is a floor."""
    bound = None if target is None else Target(">=", target)
    return MetricSpec(key, key.split(".")[0], label, unit, True, baseline, bound)


def _cost(
    key: str, label: str, unit: str, baseline: str | None = None, target: float | None = None
) -> MetricSpec:
    """A metric where less is better (latency, memory, size); its target is a ceiling."""
    bound = None if target is None else Target("<=", target)
    return MetricSpec(key, key.split(".")[0], label, unit, False, baseline, bound)


SINGLE, BATCHED, LATENCY = "ceiling.single", "ceiling.batched", "ceiling.latency"

METRICS: tuple[MetricSpec, ...] = (
    _rate(SINGLE, "asyncpg queue, one row per statement", "items/s"),
    _rate(BATCHED, "asyncpg queue, {ceiling_batch} rows per statement", "items/s"),
    _cost(LATENCY, "one item: insert, claim, complete", "ms"),
    _cost("ceiling.commit", "one committed insert (the durable-commit floor)", "ms"),
    # W1 within 2x of the single-row queue, and at least 4x DBOS Transact on the same loop.
    MetricSpec(
        "W1.actions",
        "W1",
        "sequential loop of {w1_actions} actions",
        "actions/s",
        True,
        SINGLE,
        Target(">=", 0.5, relative=True),
    ),
    _rate("W1.dbos", "DBOS Transact, the same loop of {w1_actions} steps", "actions/s"),
    MetricSpec(
        "W1.peer",
        "W1",
        "W1 against DBOS Transact, repeat by repeat",
        "x DBOS",
        True,
        None,
        Target(">=", 4),
    ),
    _rate("W2.actions", "gather over {w2_actions} actions", "actions/s", BATCHED, 3_000),
    _rate("W2.otel", "the same, every attempt traced (OpenTelemetry)", "actions/s", "W2.actions"),
    _rate("W3.actions", "{w3_instances} instances of 3 actions", "actions/s", BATCHED, 2_000),
    _rate("W3.instances", "{w3_instances} concurrent instances", "instances/s", BATCHED),
    _cost("W4.p50", "`await run()`, one action, p50 of {w4_runs}", "ms", LATENCY, 10),
    _cost("W4.p95", "`await run()`, one action, p95 of {w4_runs}", "ms", LATENCY),
    _cost("W5.rss", "runner RSS, {w5_instances} instances asleep", "MB", None, 50),
    _cost("W5.rss_idle", "runner RSS, idle before submitting", "MB"),
    _cost("W5.rss_large", "runner RSS, {w5_large} instances asleep", "MB", None, 100),
    _cost("W5.db_growth", "database growth, {w5_instances} asleep", "MB"),
    _rate("W5.asleep", "submitted and put to sleep", "instances/s", BATCHED),
    _rate("W5.drain", "all wake at once and finish", "actions/s", BATCHED, 2_000),
    _rate("W7.children", "gather over {w7_children} child workflows", "children/s", BATCHED),
    _cost("R1.p50", "signal round trip, send → resumed, p50 of {r1_rounds}", "ms", LATENCY),
    _cost("R1.p95", "signal round trip, send → resumed, p95 of {r1_rounds}", "ms", LATENCY),
    _cost("C1.compile", "compile {c1_workflows} workflows", "ms/workflow", "C1.cpython", 20),
    _cost("C1.cpython", "CPython compile() of the same module", "ms/workflow"),
    _cost(
        "C1.statements",
        "a run() of {c1_statements} statements",
        "ms/1k statements",
        "C1.cpython_statements",
        300,
    ),
    _cost("C1.cpython_statements", "CPython compile() of the same module", "ms/1k statements"),
    _cost(
        "C1.items",
        "a run() with a tuple of {c1_items} integers",
        "ms/1k items",
        "C1.cpython_items",
        50,
    ),
    _cost("C1.cpython_items", "CPython compile() of the same module", "ms/1k items"),
    _rate("I1.statements", "pure control flow", "statements/s", "I1.cpython", 500_000),
    _rate("I1.cpython", "CPython running the same body", "statements/s"),
    _cost("D1.runs", "dashboard runs page, {d1_instances} runs stored", "ms", None, 200),
    _cost("D1.search", "dashboard free-text search over {d1_instances} runs", "ms"),
    _rate("F1.plain", "gather over {w2_actions} actions, no limit", "actions/s", BATCHED),
    _rate("F1.gated", "the same, `@action(concurrency=100_000)`", "actions/s", "F1.plain"),
    _rate("F1.narrow", "the same, `@action(concurrency=10)`", "actions/s", "F1.plain"),
    _cost("F2.fair", "fair claim of 200, {f2_backlog} of one workflow waiting", "ms", "F2.plain"),
    _cost("F2.plain", "plain claim of 200 (oldest first), same backlog", "ms"),
    _rate("L1.large", "LocalRuntime, gather of {l1_large} actions", "actions/s", "L1.small"),
    _rate("L1.small", "LocalRuntime, gather of {l1_small} actions", "actions/s"),
    _cost("S2.delay", "run() of one action after a gather of {s2_actions}", "ms", "S2.idle", 1_000),
    _cost("S2.idle", "the same run() on the idle runner, just before", "ms"),
)

_LOADS = {"w3": "W3 load ({s1_instances} instances of 3)",
          "w2": "W2 load ({s1_gathers} gathers of {s1_gather_actions})"}  # fmt: skip


def s1_specs(counts: tuple[int, ...]) -> list[MetricSpec]:
    """S1's rows (rates per runner count, efficiency against linear) and P1's (the per-action
    PostgreSQL cost of the one-runner windows, and what one server core carries at that cost)."""
    specs = []
    for load, title in _LOADS.items():
        for count in counts:
            runners = f"{count} runner{'s' if count > 1 else ''}"
            specs.append(_rate(f"S1.{load}.r{count}", f"{title}, {runners}", "actions/s", BATCHED))
        for count in counts[1:]:
            label = f"{title}, {count} runners against {count}x one"
            specs.append(_rate(f"S1.{load}.e{count}", label, "% of linear"))
        base = f"{title}, {counts[0]} runner"
        specs += [_cost(f"P1.{load}.commits", f"{base}: commits per action", "commits"),
                  _cost(f"P1.{load}.rows", f"{base}: rows written per action", "rows"),
                  _cost(f"P1.{load}.wal", f"{base}: WAL per action", "bytes"),
                  _cost(f"P1.{load}.cpu", f"{base}: PostgreSQL CPU per action", "ms"),
                  _rate(f"P1.{load}.per_core", f"{base}: actions one PostgreSQL core carries",
                        "actions/s")]  # fmt: skip
    return specs


def w6_specs(concurrency: int, ideal: float) -> list[MetricSpec]:
    """W6's rows of one `WAYMARK_CONCURRENT_PER_WORKER` value (`ideal` is workers * c / nap):
    the rate, then what the runner and its worker processes spent per action, and the worker
    processes' peak memory."""
    key = f"W6.c{concurrency}"
    label = f"50 ms actions, {concurrency} per worker"
    return [_rate(key, f"{label} (ideal {ideal:,.0f}/s)", "actions/s", BATCHED),
            _cost(f"{key}.runner_cpu", f"{label}: runner CPU", "ms/action"),
            _cost(f"{key}.worker_cpu", f"{label}: worker processes' CPU", "ms/action"),
            _cost(f"{key}.worker_rss", f"{label}: worker processes' peak RSS, summed",
                  "MB")]  # fmt: skip


WORKLOAD_TITLES: dict[str, str] = {
    "ceiling": "minimal asyncpg queue on the same database (insert, claim SKIP LOCKED, complete)",
    "W1": "one workflow, a sequential loop of no-op actions",
    "W2": "one workflow, asyncio.gather over no-op actions",
    "W3": "concurrent instances of 3 sequential no-op actions",
    "W4": "a one-action workflow, `await run()` → result, repeated",
    "W5": "instances in a durable sleep: memory and storage, then all wake and finish",
    "W6": "actions that sleep 50 ms: throughput vs WAYMARK_CONCURRENT_PER_WORKER",
    "W7": "one workflow, asyncio.gather over child workflows of one no-op action each",
    "W8": "an I/O-bound gather (50 ms actions) against a no-op gather: runner and server cost",
    "R1": "a waiting instance: `waymark.send_signal` → the workflow resumes and ends, repeated",
    "C1": "the compiler on a module of workflows",
    "I1": "the interpreter alone on pure control flow",
    "D1": "the dashboard's runs page with a large history (through its ASGI app)",
    "F1": "the cost of an action concurrency limit: one gather, limited and not",
    "F2": "the fair claim (workflows take turns) with a large backlog, vs a plain claim",
    "L1": "LocalRuntime in process: one gather at two sizes (linear cost keeps the rate)",
    "S1": "scale-out: 1, 2, 4 start-workers on one database; per-action PostgreSQL cost (P1)",
    "S2": "fairness: a one-action run() submitted after a huge gather on the same runner",
}
