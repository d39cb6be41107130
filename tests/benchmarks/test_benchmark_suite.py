"""The benchmark suite end to end in its quickest mode, on a real PostgreSQL.

`python -m benchmarks --quick --json` runs as a user would run it: on `WAYMARK_DATABASE_URL`
when set, else on an embedded server booted in a temporary `WAYMARK_HOME` (stopped afterwards).
It checks that every workload ran and the JSON report's shape; never a timing.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_METRICS = {
    *("ceiling.single", "ceiling.batched", "ceiling.latency", "ceiling.commit"),
    *("W1.actions", "W2.actions", "W2.otel", "W3.actions", "W3.instances", "W4.p50", "W4.p95"),
    *("W5.rss", "W5.rss_idle", "W5.db_growth", "W5.asleep", "W5.drain", "W7.children"),
    *("W6.c10", "W6.c10.runner_cpu", "W6.c10.worker_cpu", "W6.c10.worker_rss"),
    *("C1.compile", "C1.cpython", "I1.statements", "I1.cpython", "L1.small", "L1.large"),
    *("C1.statements", "C1.cpython_statements", "C1.items", "C1.cpython_items"),
    *("D1.runs", "D1.search", "S2.delay", "S2.idle"),
    *("F1.plain", "F1.gated", "F1.narrow", "F2.fair", "F2.plain"),
    *(f"S1.{load}.{row}" for load in ("w3", "w2") for row in ("r1", "r2", "e2")),
    *(f"P1.{load}.{row}" for load in ("w3", "w2") for row in ("commits", "rows", "wal")),
    *("R1.p50", "R1.p95"),
    *(f"W8.{kind}{n}.{row}" for kind in ("naps", "spread", "noop") for n in (100, 400)
      for row in ("rate", "runner_cpu_ms", "workers_cpu_ms", "wal_bytes")),
    *("W8.x100", "W8.x400", "W8.spread_x100", "W8.spread_x400", "W8.flat"),
    *("W8.idle", "W8.net_x100", "W8.net_x400"),
}  # fmt: skip
CPU_METRICS = {f"P1.{load}.{row}" for load in ("w3", "w2") for row in ("cpu", "per_core")} | {
    f"W8.{kind}{n}.server_cpu_ms" for kind in ("naps", "spread", "noop") for n in (100, 400)
}
"""Only when the server is a process of this machine (its CPU time is read from /proc)."""
DBOS_METRICS = {"W1.dbos", "W1.peer"}
"""Only with the `bench` extra installed (DBOS Transact); else a note says W1.dbos was skipped."""
TARGETED = {"W1.actions", "W2.actions", "W3.actions", "W4.p50", "W5.rss", "W5.drain",
            "C1.compile", "C1.statements", "C1.items", "I1.statements", "D1.runs", "S2.delay", "W8.x100", "W8.x400",
            "W8.flat"}  # fmt: skip


@pytest.fixture(scope="module")
def environment() -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    if env.get("WAYMARK_DATABASE_URL"):
        yield env
        return
    # Outside pytest's temporary directories: concurrent sessions prune those.
    home = Path(tempfile.mkdtemp(prefix="waymark-bench-test-"))
    env["WAYMARK_HOME"] = str(home)
    try:
        yield env
    finally:
        _stop_embedded(home)
        shutil.rmtree(home, ignore_errors=True)


def _stop_embedded(home: Path) -> None:
    from waymark_runtime.embedded import EmbeddedServer

    EmbeddedServer(home=home.resolve()).stop()


def test_quick_suite_end_to_end(environment: dict[str, str], tmp_path: Path) -> None:
    """One test on purpose: xdist must not start two suites on a 2-core machine."""
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)]
    # Output goes to files, not pipes: the embedded server the suite starts outlives it (the
    # fixture stops it), and a pipe it inherited would keep `run` waiting for an end of file.
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with stdout.open("w") as out_file, stderr.open("w") as err_file:
        try:
            code = subprocess.run(command, cwd=ROOT, env=environment, stdout=out_file,
                                  stderr=err_file, timeout=300, check=False).returncode  # fmt: skip
        except subprocess.TimeoutExpired:
            pytest.fail(f"the quick suite ran past 300 s; it got to:\n{stderr.read_text()[-4000:]}")
    assert code == 0, stderr.read_text()[-4000:]
    assert "Waymark benchmarks (quick)" in stdout.read_text()
    report = json.loads(out.read_text())
    assert report["errors"] == {}
    local = report["details"]["S1"]["windows"][0]["cost"]["server_cpu_ms"] is not None
    expected = EXPECTED_METRICS | (CPU_METRICS if local else set())
    if importlib.util.find_spec("dbos") is not None:
        expected |= DBOS_METRICS
        assert report["notes"] == {}
    else:
        assert "dbos is not installed" in report["notes"]["W1.dbos"]
    assert {metric["key"] for metric in report["metrics"]} == expected
    _check_machine_and_database(report)
    for metric in report["metrics"]:
        _check_summary(metric)
    _check_ratios_and_targets(report)
    _check_tracing_pairs(report)


def _check_tracing_pairs(report: Any) -> None:
    """W2.otel is measured in pairs with W2: its ratio is the median of theirs (one, quick)."""
    [traced] = [m for m in report["metrics"] if m["key"] == "W2.otel"]
    [plain] = [m for m in report["metrics"] if m["key"] == "W2.actions"]
    assert traced["paired_ratios"] == [traced["samples"][0] / plain["samples"][0]]
    assert traced["ratio"] == traced["paired_ratios"][0]
    cpu = report["details"]["W2"]["cpu_us_per_action"]
    assert all(len(cpu[key]) == 1 and cpu[key][0] > 0 for key in ("W2.actions", "W2.otel"))


def _check_machine_and_database(report: Any) -> None:
    assert report["suite"] == "waymark-benchmarks" and report["mode"] == "quick"
    machine = report["machine"]
    assert machine["cpu_count"] >= 1 and machine["cpu_model"] and machine["memory_gib"] > 0
    assert report["date"][:2] == "20"
    database = report["database"]
    assert int(database["server_version"].split(".")[0]) >= 14
    assert database["source"] in ("embedded", "WAYMARK_DATABASE_URL")
    assert report["settings"]["ceiling_connections"] >= 1


def _check_summary(metric: Any) -> None:
    samples = metric["samples"]
    assert samples and all(math.isfinite(s) and s >= 0 for s in samples), metric
    assert metric["min"] <= metric["median"] <= metric["max"], metric
    assert metric["min"] == min(samples) and metric["max"] == max(samples), metric


def _check_ratios_and_targets(report: Any) -> None:
    metrics = {m["key"]: m for m in report["metrics"]}
    for workload in ("W1", "W2", "W3", "W4", "W5", "W6", "W7", "S1"):
        ratios = [m for m in metrics.values() if m["workload"] == workload and m["ratio"]]
        # against the queue, or (W2.otel: tracing on) against the same workload untraced
        assert ratios and all(m["baseline"].startswith(("ceiling.", f"{workload}."))
                              for m in ratios), workload  # fmt: skip
    for key in TARGETED:
        assert metrics[key]["target"] is not None and isinstance(metrics[key]["met"], bool), key
    missed = {m["key"] for m in metrics.values() if m["met"] is False}
    assert set(report["missed"]) == missed
