"""The suite's own logic, without a database: statistics, targets, ratios, selection, inputs.

The C1 module must compile cleanly (a diagnostic would make C1 time an error path), and I1's
statement count must come from CPython running the same body.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from benchmarks.c1_source import c1_source
from benchmarks.database import redact, with_database
from benchmarks.offline_workloads import _plain_run
from benchmarks.pg_cost import Snapshot, per_action, server_cpu_seconds
from benchmarks.results import Measured, MetricResult, percentile, with_ratios
from benchmarks.scale_workloads import _add_efficiency
from benchmarks.spec import DEFAULT, METRICS, QUICK, MetricSpec, Target, s1_specs
from benchmarks.suite import selected
from waymark_compiler.api import compile_source


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_targets_compare_in_their_direction() -> None:
    assert Target(">=", 600).met(600) and not Target(">=", 600).met(599.9)
    assert Target("<=", 10).met(9.5) and not Target("<=", 10).met(10.1)
    assert str(Target(">=", 3000)) == "≥ 3,000"


def test_the_issue_targets_are_stated_in_code() -> None:
    targets = {spec.key: spec.target for spec in METRICS if spec.target is not None}
    assert targets == {
        "W1.actions": Target(">=", 600),
        "W2.actions": Target(">=", 3_000),
        "W3.actions": Target(">=", 2_000),
        "W4.p50": Target("<=", 10),
        "W5.rss": Target("<=", 50),
        "W5.drain": Target(">=", 2_000),
        "C1.compile": Target("<=", 20),
        "I1.statements": Target(">=", 500_000),
        "D1.runs": Target("<=", 200),  # the dashboard issue: the runs page with 100,000 runs
        "S2.delay": Target("<=", 1_000),  # the scale-out issue: a huge gather holds back no one
    }


def test_ratios_divide_medians_by_the_baseline_median() -> None:
    base = MetricSpec("ceiling.single", "ceiling", "queue", "items/s", True)
    spec = MetricSpec("W1.actions", "W1", "loop", "actions/s", True, "ceiling.single")
    results = with_ratios([MetricResult(base, "q", [100.0, 200.0, 300.0]),
                           MetricResult(spec, "l", [50.0, 10.0, 70.0])])  # fmt: skip
    assert results[0].ratio is None
    assert results[1].ratio == pytest.approx(0.25)


def test_every_baseline_names_a_metric() -> None:
    keys = {spec.key for spec in METRICS}
    assert all(spec.baseline in keys for spec in METRICS if spec.baseline is not None)


def test_runtime_workloads_bring_the_ceiling() -> None:
    assert [w.name for w in selected(frozenset({"W4", "C1"}))] == ["C1", "ceiling", "W4"]
    assert [w.name for w in selected(frozenset({"I1"}))] == ["I1"]
    assert len(selected(None)) == 18


def test_database_urls_are_rewritten_and_redacted() -> None:
    socket = "postgresql://postgres:@/waymark?host=/tmp/pgdata"
    assert with_database(socket, "waymark_bench") == (
        "postgresql://postgres:@/waymark_bench?host=/tmp/pgdata"
    )
    assert redact("postgresql://app:s3cret@db:5432/x") == "postgresql://app:***@db:5432/x"


@pytest.mark.parametrize("count", [QUICK.c1_workflows, 7])
def test_c1_module_compiles_cleanly(count: int) -> None:
    result = compile_source(c1_source(count), "bench_c1.py", module="bench_c1")
    assert result.diagnostics == []
    assert len(result.workflows) == count
    assert len({w.name for w in result.workflows}) == count


def test_i1_counts_the_lines_cpython_executes() -> None:
    result, statements = _plain_run(10)
    # 10 for-iterations of (for, if, body) + elif/else where taken + the while loop + returns
    assert result == _expected_pure(10)
    assert 50 < statements < 150
    assert _plain_run(1000)[1] > 90 * statements


def _expected_pure(rounds: int) -> int:
    total = sum(i for i in range(rounds) if i % 3 == 0)
    odd = sum(1 for i in range(rounds) if i % 3 == 1)
    seen = sum(1 for i in range(rounds) if i % 3 == 2)
    countdown = rounds
    while countdown > 0:
        countdown -= 2
        if countdown % 5 != 0:
            total -= 1
    return total + odd + seen


def test_default_scale_is_the_issue_scale() -> None:
    assert (DEFAULT.s1_runners, DEFAULT.s2_actions) == ((1, 2, 4), 100_000)
    assert (DEFAULT.w1_actions, DEFAULT.w2_actions, DEFAULT.w3_instances) == (200, 1_000, 200)
    assert (DEFAULT.w4_runs, DEFAULT.w5_instances, DEFAULT.c1_workflows) == (50, 10_000, 50)


def test_per_action_cost_divides_counter_deltas() -> None:
    before = Snapshot(10, 0, 100, 1_000.0, 5, 1, 2.0, "pg_stat_wal")
    after = Snapshot(60, 1, 700, 41_000.0, 90, 3, 2.5, "pg_stat_wal")
    cost = per_action(before, after, 100)
    assert (cost.commits, cost.rows, cost.wal_bytes) == (0.5, 6.0, 400.0)
    assert cost.server_cpu_ms == pytest.approx(5.0)
    remote = per_action(before, dataclasses.replace(after, server_cpu=None), 100)
    assert remote.server_cpu_ms is None and remote.as_json()["server_cpu_ms"] is None


def test_server_cpu_is_read_from_proc_or_none() -> None:
    assert server_cpu_seconds(os.getpid()) is not None  # this process's parent stands in
    assert server_cpu_seconds(2**22 + 12345) is None  # no such process


def test_scale_out_efficiency_is_against_linear() -> None:
    measured = Measured()
    for rate in (100.0, 110.0, 90.0):
        measured.add("S1.w3.r1", rate)
        measured.add("S1.w2.r1", rate)
    measured.add("S1.w3.r2", 150.0)
    measured.add("S1.w2.r2", 200.0)
    _add_efficiency(measured, (1, 2))
    assert measured.samples["S1.w3.e2"] == [75.0]
    assert measured.samples["S1.w2.e2"] == [100.0]
    keys = {spec.key for spec in s1_specs((1, 2, 4))}
    assert {"S1.w3.r4", "S1.w3.e4", "S1.w2.e2", "P1.w3.wal", "P1.w2.per_core"} <= keys
    assert "S1.w3.e1" not in keys
