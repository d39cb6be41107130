"""An attempt's span in real worker processes on PostgreSQL, as user code and the user's SDK
configuration see it: what the action records on the current span (attributes, events, an
exception) is exported with the attempt's span, its own spans nest under it, and the
worker's sampler (`OTEL_TRACES_SAMPLER`) and span limits (`OTEL_SPAN_*`) apply. Each worker
exports its spans as JSON lines to a file; the test process is traced by the SDK with the
in-memory exporter."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

import waymark
from tests.runtime import observe_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.store.postgres import PostgresStore

Calls = list[tuple[str, bool]]
WorkerSpans = Callable[[dict[str, str], Calls], Awaitable[dict[str, list[dict[str, Any]]]]]


@pytest.fixture
def worker_spans(
    spans: InMemorySpanExporter,
    store: PostgresStore,
    database: str,
    worker_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> WorkerSpans:
    """Run `Annotated(item)` once per call (under a sampled request span, or an unsampled
    one) on a runner whose worker has `environment`; the spans the worker exported, by name."""

    async def run(environment: dict[str, str], calls: Calls) -> dict[str, list[dict[str, Any]]]:
        exported = tmp_path / "worker-spans.jsonl"
        monkeypatch.setenv(flows.SPANS_ENV, str(exported))
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        settings = runner_settings(database, user_modules=("tests.runtime.observe_flows",))
        async with running(store, settings), waymark.connect(database):
            for item, sampled in calls:
                await _run_annotated(item, sampled)
        named: dict[str, list[dict[str, Any]]] = {}
        lines = exported.read_text().splitlines() if exported.exists() else []
        for span in map(json.loads, lines):
            named.setdefault(span["name"], []).append(span)
        return named

    return run


async def _run_annotated(item: str, sampled: bool) -> None:
    if sampled:
        request = trace.get_tracer("test").start_as_current_span(f"request {item}")
    else:
        unsampled = NonRecordingSpan(SpanContext(0x5EED, 0xF00D, True, TraceFlags(0)))
        request = trace.use_span(unsampled)
    with request:
        assert await flows.Annotated().run(item) == item.upper()


async def test_user_code_records_on_the_attempts_span(
    spans: InMemorySpanExporter, worker_spans: WorkerSpans
) -> None:
    named = await worker_spans({}, [("socks", True)])
    [run] = _runs(spans)
    [attempt] = named["waymark.attempt annotated"]
    assert attempt["parent_id"] == f"0x{run.context.span_id:016x}"
    assert attempt["kind"] == "SpanKind.CONSUMER"
    assert attempt["attributes"] == {
        "waymark.instance_id": attempt["attributes"]["waymark.instance_id"],
        "waymark.workflow": "Annotated", "waymark.action": "tests.runtime.observe_flows:annotated",
        "waymark.attempt": 1, "waymark.node": attempt["attributes"]["waymark.node"],
        "waymark.site": "run.0", "shop.item": "socks", "shop.sizes": [1, 2], "shop.gift": True,
        "waymark.outcome": "ok",
    }  # fmt: skip
    [packed, caught] = attempt["events"]
    assert packed["name"] == "packed" and packed["attributes"] == {"shop.box": "box of socks"}
    assert caught["name"] == "exception"
    assert caught["attributes"]["exception.type"] == "KeyError"
    assert "raise KeyError(item)" in caught["attributes"]["exception.stacktrace"]
    assert attempt["status"]["status_code"] == "UNSET"
    [own] = named["wrap socks"]
    assert own["parent_id"] == attempt["context"]["span_id"]  # user spans nest under it
    assert own["context"]["trace_id"] == f"0x{run.context.trace_id:032x}"


async def test_the_workers_span_limits_apply(worker_spans: WorkerSpans) -> None:
    limits = {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "3", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "4",
              "OTEL_SPAN_EVENT_COUNT_LIMIT": "1", "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT": "2"}  # fmt: skip
    named = await worker_spans(limits, [("hats", True)])
    [attempt] = named["waymark.attempt annotated"]
    # the newest three, strings cut to four characters
    assert attempt["attributes"] == {"shop.sizes": [1, 2], "shop.gift": True,
                                     "waymark.outcome": "ok"}  # fmt: skip
    [caught] = attempt["events"]  # the newest event, with two of its attributes
    assert caught["name"] == "exception" and len(caught["attributes"]) == 2


async def test_the_workers_sampler_decides(worker_spans: WorkerSpans) -> None:
    """A parent-based ratio of 0 follows the stored parent's decision: the sampled request's
    attempt is traced, the unsampled one's is not (nor are the spans its code opens)."""
    sampler = {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"}
    calls = [("kept", True), ("dropped", False)]
    named = await worker_spans(sampler, calls)
    [attempt] = named["waymark.attempt annotated"]
    assert attempt["attributes"]["shop.item"] == "kept"
    assert sorted(named) == ["waymark.attempt annotated", "wrap kept"]


async def test_an_always_off_sampler_traces_nothing(
    spans: InMemorySpanExporter, worker_spans: WorkerSpans
) -> None:
    sampler = {"OTEL_TRACES_SAMPLER": "always_off"}
    calls = [("socks", True)]
    assert await worker_spans(sampler, calls) == {}
    assert len(_runs(spans)) == 1  # the caller's side is traced: the worker chose not to


def _runs(spans: InMemorySpanExporter) -> list[Any]:
    return [span for span in spans.get_finished_spans() if span.name.startswith("waymark.run")]
