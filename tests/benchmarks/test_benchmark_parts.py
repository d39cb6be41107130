"""The suite's own logic, without a database: statistics, targets, ratios, selection, inputs.

The C1 module must compile cleanly (a diagnostic would make C1 time an error path), and I1's
statement count must come from CPython running the same body.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from benchmarks.c1_source import c1_source, large_run_source, large_tuple_source
from benchmarks.database import bench_database, redact, with_database
from benchmarks.machine import tree_cpu_seconds
from benchmarks.offline_workloads import _plain_run
from benchmarks.pg_cost import Snapshot, per_action, server_cpu_seconds
from benchmarks.report import Report, markdown, summary
from benchmarks.results import Measured, MetricResult, percentile, with_ratios
from benchmarks.scale_workloads import _add_efficiency
from benchmarks.spec import DEFAULT, METRICS, QUICK, MetricSpec, Target, s1_specs
from benchmarks.suite import selected
from waymark_compiler.api import compile_source
from waymark_runtime.config import ConfigError


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_targets_compare_in_their_direction() -> None:
    assert Target(">=", 600).met(600) and not Target(">=", 600).met(599.9)
    assert Target("<=", 10).met(9.5) and not Target("<=", 10).met(10.1)
    assert str(Target(">=", 3000)) == "≥ 3,000"
    assert str(Target(">=", 0.5, relative=True)) == "≥ 0.5x"


def test_a_relative_target_bounds_the_ratio_to_the_baseline() -> None:
    base = MetricSpec("ceiling.single", "ceiling", "queue", "items/s", True)
    spec = MetricSpec("W1.actions", "W1", "loop", "actions/s", True, "ceiling.single",
                      Target(">=", 0.5, relative=True))  # fmt: skip
    slow, fast = MetricResult(spec, "l", [400.0]), MetricResult(spec, "l", [600.0])
    with_ratios([MetricResult(base, "q", [1000.0]), slow])
    with_ratios([MetricResult(base, "q", [1000.0]), fast])
    assert slow.met is False and fast.met is True
    assert MetricResult(spec, "l", [600.0]).met is None  # no baseline measured: no verdict


def test_the_issue_targets_are_stated_in_code() -> None:
    targets = {spec.key: spec.target for spec in METRICS if spec.target is not None}
    assert targets == {
        "W1.actions": Target(">=", 0.5, relative=True),  # within 2x of the single-row queue
        "W1.peer": Target(">=", 4),  # W1 against DBOS Transact on the same loop
        "W2.actions": Target(">=", 3_000),
        "W3.actions": Target(">=", 2_000),
        "W4.p50": Target("<=", 10),
        "W5.rss": Target("<=", 50),
        "W5.rss_large": Target("<=", 100),  # the same, ten times the sleepers
        "W5.drain": Target(">=", 2_000),
        "C1.compile": Target("<=", 20),
        "C1.statements": Target("<=", 300),  # large sources: a run() of 10,000 lines in 3 s
        "C1.items": Target("<=", 50),  # and a tuple of 10,000 constants in 0.5 s
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


def test_paired_ratios_are_the_median_of_the_pairs() -> None:
    measured = Measured()
    for traced, plain in ((950.0, 1000.0), (300.0, 500.0), (1800.0, 2000.0)):
        measured.add_pair("W2.otel", traced, "W2.actions", plain)
    assert measured.samples == {"W2.otel": [950.0, 300.0, 1800.0],
                                "W2.actions": [1000.0, 500.0, 2000.0]}  # fmt: skip
    base = MetricSpec("W2.actions", "W2", "gather", "actions/s", True)
    spec = MetricSpec("W2.otel", "W2", "traced", "actions/s", True, "W2.actions")
    results = with_ratios([MetricResult(base, "g", measured.samples["W2.actions"]),
                           MetricResult(spec, "t", measured.samples["W2.otel"],
                                        measured.paired["W2.otel"])])  # fmt: skip
    assert results[1].ratio == pytest.approx(0.9)  # the middle pair (the medians: 0.95)
    assert results[1].to_json()["paired_ratios"] == pytest.approx([0.95, 0.6, 0.9])


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


def test_bench_database_name_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAYMARK_BENCH_DATABASE", raising=False)
    assert bench_database() == "waymark_bench"
    monkeypatch.setenv("WAYMARK_BENCH_DATABASE", "waymark_bench_g")
    assert bench_database() == "waymark_bench_g"
    for bad in ("Bench", "a-b", 'x"; DROP', "x" * 51):
        monkeypatch.setenv("WAYMARK_BENCH_DATABASE", bad)
        with pytest.raises(ConfigError, match="WAYMARK_BENCH_DATABASE"):
            bench_database()


@pytest.mark.parametrize("count", [QUICK.c1_workflows, 7])
def test_c1_module_compiles_cleanly(count: int) -> None:
    result = compile_source(c1_source(count), "bench_c1.py", module="bench_c1")
    assert result.diagnostics == []
    assert len(result.workflows) == count
    assert len({w.name for w in result.workflows}) == count


@pytest.mark.parametrize(
    ("source", "last"),
    [(large_run_source(50), "t = t + 47 * 2"), (large_tuple_source(300), "298, 299 @")],
)
def test_c1_large_sources_compile_cleanly(source: str, last: str) -> None:
    result = compile_source(source, "bench_c1.py", module="bench_c1")
    assert result.diagnostics == []
    assert [w.name for w in result.workflows] == ["Large"]
    assert last in result.workflows[0].wrl


def test_c1_default_scale_tuple_is_within_the_display_limit() -> None:
    """The suite's own scale compiles: a tuple past the display limit would make C1 an error."""
    source = large_tuple_source(DEFAULT.c1_items)
    result = compile_source(source, "bench_c1.py", module="bench_c1")
    assert result.diagnostics == []
    assert [w.name for w in result.workflows] == ["Large"]


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
    assert (DEFAULT.w5_large, QUICK.w5_large) == (100_000, 0)  # W5 at 10x: full mode only


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


def test_a_process_tree_counts_its_children_cpu() -> None:
    """A child burns 0.3 s of CPU when told to, then waits: counted alive, and once reaped."""
    burn = ("import sys, time\nsys.stdin.readline()\nt = time.process_time()\n"
            "while time.process_time() - t < 0.3: pass\nprint(flush=True)\nsys.stdin.read()\n")  # fmt: skip
    child = subprocess.Popen([sys.executable, "-c", burn], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    try:
        before = tree_cpu_seconds(os.getpid())
        child.stdin.write("go\n")
        child.stdin.flush()
        child.stdout.readline()
        alive = tree_cpu_seconds(os.getpid())
    finally:
        child.communicate("")
    reaped = tree_cpu_seconds(os.getpid())
    assert before is not None and alive is not None and reaped is not None
    assert alive - before >= 0.25 and reaped >= alive - 0.05
    assert tree_cpu_seconds(2**22 + 12345) is None


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


def test_a_peer_not_installed_is_a_note_not_an_error() -> None:
    note = "not measured: dbos is not installed (pip install -e '.[bench]')"
    machine = {"cpu_count": 2, "cpu_model": "cpu", "memory_gib": 1.0, "python": "3.11"}
    report = Report(date="2026-12-04", mode="quick", machine=machine, database=None, settings={},
                    scale={}, results=[], notes={"W1.dbos": note})  # fmt: skip
    assert f"| W1.dbos | {note} |" in markdown(report)
    assert report.errors == {} and "error" not in summary(report)
    assert report.to_json()["notes"] == {"W1.dbos": note}
