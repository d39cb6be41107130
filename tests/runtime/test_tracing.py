"""OpenTelemetry: one trace per instance, joined to the span that called `run()`, a span per
attempt (workflow, action, attempt, node, site, outcome) current while the action runs, so the
action's own spans nest under it, and a span per durable sleep and signal wait, from when it
began to when the workflow resumed. In-process (`LocalRuntime`, the SDK's in-memory exporter)
and on PostgreSQL with real worker processes (each exporting its spans to a file) and runners
in this process (a sleep that ends on another runner than the one it began on). A cancelled
attempt still ends its span; without an SDK nothing is traced, until one is configured."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import waymark
from tests.runtime import observe_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.actions import action_path
from waymark_runtime.execute import execute_action
from waymark_runtime.local import LocalRuntime
from waymark_runtime.logs import AttemptContext
from waymark_runtime.store.postgres import PostgresStore


def _by_name(spans: list[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for span in spans:
        name = span["name"] if isinstance(span, dict) else span.name
        found.setdefault(name, []).append(span)
    return found


async def test_attempt_spans_join_the_callers_trace_in_process(
    spans: InMemorySpanExporter,
) -> None:
    tracer = trace.get_tracer("test")
    async with LocalRuntime():
        with tracer.start_as_current_span("request") as request:
            assert await flows.Traced().run("box") == "BOX"
            with pytest.raises(ValueError):
                await flows.Exploding().run("t")
    named = _by_name(list(spans.get_finished_spans()))
    trace_id = request.get_span_context().trace_id
    [run_traced, run_exploding] = named["waymark.run Traced"] + named["waymark.run Exploding"]
    assert run_traced.parent.span_id == request.get_span_context().span_id
    [attempt] = named["waymark.attempt traced"]
    assert attempt.parent.span_id == run_traced.context.span_id
    assert attempt.context.trace_id == trace_id
    assert attempt.kind is trace.SpanKind.CONSUMER
    assert dict(attempt.attributes) == {
        "waymark.instance_id": attempt.attributes["waymark.instance_id"],
        "waymark.workflow": "Traced", "waymark.action": "tests.runtime.observe_flows:traced",
        "waymark.attempt": 1, "waymark.node": "n1", "waymark.site": "run.0",
        "waymark.outcome": "ok",
    }  # fmt: skip
    [own] = named["pack box"]
    assert own.parent.span_id == attempt.context.span_id  # user spans nest under the attempt
    failed = named["waymark.attempt flaky"]
    assert [s.attributes["waymark.attempt"] for s in failed] == [1, 2]
    assert all(s.parent.span_id == run_exploding.context.span_id for s in failed)
    assert all(s.status.status_code is trace.StatusCode.ERROR for s in failed)
    assert all(s.attributes["waymark.outcome"] == "error" for s in failed)
    assert {s.attributes["waymark.site"] for s in failed} == {"run.0"}  # a retry's too


async def test_attempt_spans_in_worker_processes_join_the_callers_trace(
    spans: InMemorySpanExporter,
    store: PostgresStore,
    database: str,
    worker_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exported = tmp_path / "worker-spans.jsonl"
    monkeypatch.setenv(flows.SPANS_ENV, str(exported))
    settings = runner_settings(database, user_modules=("tests.runtime.observe_flows",))
    tracer = trace.get_tracer("test")
    async with running(store, settings), waymark.connect(database):
        with tracer.start_as_current_span("request") as request:
            assert await flows.Traced().run("crate") == "CRATE"
    [run] = _by_name(list(spans.get_finished_spans()))["waymark.run Traced"]
    named = _by_name([json.loads(line) for line in exported.read_text().splitlines()])
    [attempt] = named["waymark.attempt traced"]
    assert attempt["context"]["trace_id"] == f"0x{request.get_span_context().trace_id:032x}"
    assert attempt["parent_id"] == f"0x{run.context.span_id:016x}"
    assert attempt["attributes"]["waymark.workflow"] == "Traced"
    assert attempt["attributes"]["waymark.outcome"] == "ok"
    assert attempt["attributes"]["waymark.site"] == "run.0"
    [own] = named["pack crate"]
    assert own["parent_id"] == attempt["context"]["span_id"]
    # the row's times and the span agree (one host, one clock; the span's times are whole
    # microseconds): its reply was taken after the worker ended the span, and it was marked
    # running around when the worker began it
    [row] = await store.attempts_of(attempt["attributes"]["waymark.instance_id"])
    began, ended = (_epoch(attempt[key]) for key in ("start_time", "end_time"))
    assert began <= ended <= row["finished_at"] + 1e-6
    assert row["started_at"] <= row["finished_at"] and abs(row["started_at"] - began) < 1


def _epoch(text: str) -> float:
    """Epoch seconds of a span time as the SDK's JSON writes it (ISO 8601, UTC)."""
    return datetime.fromisoformat(text).timestamp()


def _pause(span: Any, runs: list[Any], events: list[str], at_least: float) -> dict[str, Any]:
    """Check a sleep's or wait's span against the instance's `waymark.run` spans; returns its
    attributes."""
    assert span.parent.span_id in {run.context.span_id for run in runs}
    assert span.context.trace_id == runs[0].context.trace_id
    assert [event.name for event in span.events] == events
    assert span.events[0].timestamp == span.start_time
    assert span.events[1].timestamp == span.end_time
    assert max(run.end_time for run in runs) <= span.start_time
    assert at_least * 1e9 <= span.end_time - span.start_time < 30e9
    return dict(span.attributes)


async def test_sleeps_and_signal_waits_are_spans_in_process(spans: InMemorySpanExporter) -> None:
    async with LocalRuntime(virtual_time=False):
        assert await flows.Pausing().run(0.3, 0.2) == "gave up"
    named = _by_name(list(spans.get_finished_spans()))
    runs = named["waymark.run Pausing"]
    [sleep] = named["waymark.sleep"]
    sleeping = _pause(sleep, runs, ["waymark.sleep.start", "waymark.sleep.end"], 0.25)
    assert sleeping == {"waymark.instance_id": sleeping["waymark.instance_id"],
                        "waymark.workflow": "Pausing", "waymark.node": sleeping["waymark.node"],
                        "waymark.site": "run.0"}  # fmt: skip
    [wait] = named["waymark.wait go"]
    waiting = _pause(wait, runs, ["waymark.wait.start", "waymark.wait.timeout"], 0.15)
    assert waiting["waymark.signal"] == "go" and waiting["waymark.outcome"] == "timeout"
    assert waiting["waymark.instance_id"] == sleeping["waymark.instance_id"]
    assert wait.start_time >= sleep.end_time - 50_000_000  # the wait began once the sleep ended


_PENDING_SLEEP = (
    "SELECT count(*) FROM waymark_timers WHERE instance_id = $1 AND finished_at IS NULL"
)
_PENDING_WAIT = """SELECT count(*) FROM waymark_signal_waits
                   WHERE instance_id = $1 AND finished_at IS NULL"""


async def _until_pending(store: PostgresStore, query: str, instance_id: str) -> None:
    for _ in range(1500):
        if await store.pool.fetchval(query, instance_id):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"instance {instance_id} never had a row for {query!r}")


async def test_sleeps_and_signal_waits_join_the_trace_across_runners(
    spans: InMemorySpanExporter, store: PostgresStore, database: str, worker_env: Path
) -> None:
    """A sleep begun on one runner and ended on another is one span, from the start stored
    with its timer; a wait answered by a signal and one that timed out."""
    settings = runner_settings(database, user_modules=("tests.runtime.observe_flows",))
    tracer = trace.get_tracer("test")
    async with waymark.connect(database):
        with tracer.start_as_current_span("request") as request:
            answered = await flows.Pausing().run(1.5, 60.0, _blocking=False)
            ignored = await flows.Pausing().run(0.05, 0.5, _blocking=False)
        async with running(store, settings, owner="first"):
            await _until_pending(store, _PENDING_SLEEP, answered)
        async with running(store, settings, owner="second"):  # the first let it go asleep
            await _until_pending(store, _PENDING_WAIT, answered)
            await waymark.send_signal(answered, "go", "yes")
            assert await asyncio.wait_for(waymark.get_result(answered), 30) == "yes"
            assert await asyncio.wait_for(waymark.get_result(ignored), 30) == "gave up"
    named = _by_name(list(spans.get_finished_spans()))
    runs = named["waymark.run Pausing"]
    assert {run.context.trace_id for run in runs} == {request.get_span_context().trace_id}
    sleeps = {s.attributes["waymark.instance_id"]: s for s in named["waymark.sleep"]}
    assert sorted(sleeps) == sorted([answered, ignored])
    long_sleep = _pause(sleeps[answered], runs, ["waymark.sleep.start", "waymark.sleep.end"], 1.3)
    assert long_sleep["waymark.site"] == "run.0"
    waits = {s.attributes["waymark.instance_id"]: s for s in named["waymark.wait go"]}
    assert sorted(waits) == sorted([answered, ignored])
    signalled = _pause(waits[answered], runs, ["waymark.wait.start", "waymark.wait.signal"], 0)
    assert signalled["waymark.outcome"] == "signal" and signalled["waymark.signal"] == "go"
    timed_out = _pause(waits[ignored], runs, ["waymark.wait.start", "waymark.wait.timeout"], 0.4)
    assert timed_out["waymark.outcome"] == "timeout"


async def test_a_cancelled_attempt_ends_its_span_and_leaves_no_context(
    spans: InMemorySpanExporter,
) -> None:
    context = AttemptContext("i-1", "Dawdling", action_path(flows.dawdle), 3, "n2")
    running = asyncio.create_task(execute_action(context.action, [30.0], {}, timeout=None,
                                                 context=context))  # fmt: skip
    await asyncio.sleep(0.05)
    assert not spans.get_finished_spans()  # still running: its span is open
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    [attempt] = spans.get_finished_spans()
    assert attempt.name == "waymark.attempt dawdle" and attempt.end_time is not None
    assert attempt.attributes is not None and attempt.attributes["waymark.attempt"] == 3
    assert "waymark.outcome" not in attempt.attributes  # no outcome: it never had one
    assert attempt.status.status_code is trace.StatusCode.UNSET
    assert not trace.get_current_span().get_span_context().is_valid


_OFF_THEN_ON = """
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from waymark_runtime.logs import AttemptContext
from waymark_runtime.tracing import start_attempt, start_trace

context = AttemptContext("i-2", "Traced", "tests.runtime.observe_flows:traced", 1, "n1")
assert start_attempt(context) is None and start_trace("Traced") is None  # the API's proxy
trace.set_tracer_provider(TracerProvider())
span = start_attempt(context)  # an SDK configured later (by a user module) is picked up
assert span is not None and span.span.is_recording()
span.end(True, None)
assert not span.span.is_recording()
print("ok")
"""


def test_attempts_are_untraced_until_an_sdk_is_configured() -> None:
    done = subprocess.run([sys.executable, "-c", _OFF_THEN_ON], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.stdout.strip() == "ok", done.stderr
