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

    def met(self, observed: float) -> bool:
        return observed >= self.value if self.op == ">=" else observed <= self.value

    def __str__(self) -> str:
        sign = "≥" if self.op == ">=" else "≤"
        return f"{sign} {self.value:,g}"


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
    w6_concurrency: tuple[int, ...]
    w6_seconds: float
    w7_children: int
    s1_rounds: int
    c1_workflows: int
    i1_rounds: int
    l1_small: int
    l1_large: int
    d1_instances: int
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
    w6_concurrency=(1, 10, 50),
    w6_seconds=1.0,
    w7_children=1_000,
    s1_rounds=50,
    c1_workflows=50,
    i1_rounds=20_000,
    l1_small=10_000,
    l1_large=40_000,
    d1_instances=100_000,
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
    w6_concurrency=(10,),
    w6_seconds=0.4,
    w7_children=50,
    s1_rounds=10,
    c1_workflows=10,
    i1_rounds=2_000,
    l1_small=500,
    l1_large=2_000,
    d1_instances=1_000,
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
    _rate("W1.actions", "sequential loop of {w1_actions} actions", "actions/s", SINGLE, 600),
    _rate("W2.actions", "gather over {w2_actions} actions", "actions/s", BATCHED, 3_000),
    _rate("W2.otel", "the same, every attempt traced (OpenTelemetry)", "actions/s", "W2.actions"),
    _rate("W3.actions", "{w3_instances} instances of 3 actions", "actions/s", BATCHED, 2_000),
    _rate("W3.instances", "{w3_instances} concurrent instances", "instances/s", BATCHED),
    _cost("W4.p50", "`await run()`, one action, p50 of {w4_runs}", "ms", LATENCY, 10),
    _cost("W4.p95", "`await run()`, one action, p95 of {w4_runs}", "ms", LATENCY),
    _cost("W5.rss", "runner RSS, {w5_instances} instances asleep", "MB", None, 50),
    _cost("W5.rss_idle", "runner RSS, idle before submitting", "MB"),
    _cost("W5.db_growth", "database growth, {w5_instances} asleep", "MB"),
    _rate("W5.asleep", "submitted and put to sleep", "instances/s", BATCHED),
    _rate("W5.drain", "all wake at once and finish", "actions/s", BATCHED, 2_000),
    _rate("W7.children", "gather over {w7_children} child workflows", "children/s", BATCHED),
    _cost("S1.p50", "signal round trip, send → resumed, p50 of {s1_rounds}", "ms", LATENCY),
    _cost("S1.p95", "signal round trip, send → resumed, p95 of {s1_rounds}", "ms", LATENCY),
    _cost("C1.compile", "compile {c1_workflows} workflows", "ms/workflow", "C1.cpython", 20),
    _cost("C1.cpython", "CPython compile() of the same module", "ms/workflow"),
    _rate("I1.statements", "pure control flow", "statements/s", "I1.cpython", 500_000),
    _rate("I1.cpython", "CPython running the same body", "statements/s"),
    _cost("D1.runs", "dashboard runs page, {d1_instances} runs stored", "ms", None, 200),
    _cost("D1.search", "dashboard free-text search over {d1_instances} runs", "ms"),
    _rate("L1.large", "LocalRuntime, gather of {l1_large} actions", "actions/s", "L1.small"),
    _rate("L1.small", "LocalRuntime, gather of {l1_small} actions", "actions/s"),
)


def w6_spec(concurrency: int, ideal: float) -> MetricSpec:
    """W6 has one row per `WAYMARK_CONCURRENT_PER_WORKER` value; `ideal` is workers * c / nap."""
    label = f"50 ms actions, {concurrency} per worker (ideal {ideal:,.0f}/s)"
    return _rate(f"W6.c{concurrency}", label, "actions/s", BATCHED)


WORKLOAD_TITLES: dict[str, str] = {
    "ceiling": "minimal asyncpg queue on the same database (insert, claim SKIP LOCKED, complete)",
    "W1": "one workflow, a sequential loop of no-op actions",
    "W2": "one workflow, asyncio.gather over no-op actions",
    "W3": "concurrent instances of 3 sequential no-op actions",
    "W4": "a one-action workflow, `await run()` → result, repeated",
    "W5": "instances in a durable sleep: memory and storage, then all wake and finish",
    "W6": "actions that sleep 50 ms: throughput vs WAYMARK_CONCURRENT_PER_WORKER",
    "W7": "one workflow, asyncio.gather over child workflows of one no-op action each",
    "S1": "a waiting instance: `waymark.send_signal` → the workflow resumes and ends, repeated",
    "C1": "the compiler on a module of workflows",
    "I1": "the interpreter alone on pure control flow",
    "D1": "the dashboard's runs page with a large history (through its ASGI app)",
    "L1": "LocalRuntime in process: one gather at two sizes (linear cost keeps the rate)",
}
