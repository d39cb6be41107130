"""`attempt_span.SpanMaker` against the SDK's own `Tracer.start_span`: for the same tracer (its
sampler, span limits, id generator, processors) and the same parent, attributes and user calls,
the span a processor receives at the end is the same but for its ids and times. Spans made
without an SDK processor that looks at them early; otherwise the maker declines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanLimits, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    AlwaysRecordSampler,
    Decision,
    ParentBased,
    ParentBasedTraceIdRatio,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import SpanKind, StatusCode, TraceState
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from waymark_runtime.attempt_span import LightSpan, SpanMaker

SAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
UNSAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
ATTRIBUTES = {"waymark.instance_id": "0a1b2c3d-aaaa", "waymark.workflow": "Shop",
              "waymark.action": "shop:pack", "waymark.attempt": 2, "waymark.node": "n3",
              "waymark.site": "run.0"}  # fmt: skip
NAME = "waymark.attempt pack"


class _SameIds(IdGenerator):
    """Every root span gets one trace id (`trace_id`), so a ratio sampler decides alike for
    the maker's span and the SDK's."""

    def __init__(self, trace_id: int) -> None:
        self.trace_id = trace_id
        self.span_id = 0

    def generate_trace_id(self) -> int:
        return self.trace_id

    def generate_span_id(self) -> int:
        self.span_id += 1
        return self.span_id


class _Tagging(Sampler):
    """A sampler of the user's own: adds an attribute and a trace state entry."""

    def should_sample(self, parent_context: Any, trace_id: int, name: str, kind: Any = None,
                      attributes: Any = None, links: Any = None, trace_state: Any = None,
                      ) -> SamplingResult:  # fmt: skip
        tagged = {**(attributes or {}), "sampled.by": "tagging", "sampled.list": [1, 2]}
        return SamplingResult(Decision.RECORD_AND_SAMPLE, tagged, TraceState([("tag", "yes")]))

    def get_description(self) -> str:
        return "Tagging"


def _user_code(span: trace.Span) -> None:
    """What an action may do with the current span."""
    span.set_attribute("shop.item", "socks")
    span.set_attributes({"shop.sizes": [41, 42], "shop.gift": True, "shop.price": 9.5})
    span.set_attribute("shop.item", "shoes")  # set again: moves to the end
    span.set_attribute("", "dropped")  # an invalid key
    span.add_event("packed", {"shop.box": "big box", "shop.count": 2}, timestamp=5)
    span.add_link(trace.SpanContext(7, 8, is_remote=True), {"shop.link": "other"})
    span.record_exception(KeyError("socks"), {"shop.note": "caught"}, timestamp=6)
    span.update_name("waymark.attempt packed")
    span.set_status(trace.Status(StatusCode.ERROR, "out of socks"))
    span.set_status(StatusCode.UNSET)  # ignored


def _outcome(span: trace.Span) -> None:
    """What `tracing.AttemptSpan.end` records."""
    span.set_attribute("waymark.outcome", "error")
    span.set_attribute("exception.type", "KeyError")


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    yield InMemorySpanExporter()


def _both(exporter: InMemorySpanExporter, traceparent: str | None,
          user: Callable[[trace.Span], None] = _user_code, **provider: Any,
          ) -> tuple[trace.Span, trace.Span]:  # fmt: skip
    """The maker's span and the SDK's, made and ended alike (the maker's first)."""
    tracer_provider = TracerProvider(**provider)
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = tracer_provider.get_tracer("waymark")
    carrier = {"traceparent": traceparent} if traceparent else {}
    parent = TraceContextTextMapPropagator().extract(carrier) if traceparent else None
    ours = SpanMaker(tracer).start(NAME, traceparent, parent, dict(ATTRIBUTES))
    theirs = tracer.start_span(NAME, parent, SpanKind.CONSUMER, dict(ATTRIBUTES))
    assert ours is not None
    seen = []
    for span in (ours, theirs):
        if span.is_recording():
            seen.append(_read(span))
            user(span)
            _outcome(span)
        span.end()
    assert len(seen) in (0, 2) and seen[:1] == seen[1:]  # what code reading the span sees
    return ours, theirs


def _read(span: Any) -> tuple[Any, ...]:
    """The current span as an SDK user may read it: the SDK's span is a `ReadableSpan`."""
    assert isinstance(span, ReadableSpan)
    return span.name, span.kind, dict(span.attributes or {}), span.events, span.parent


def _fields(span: ReadableSpan) -> dict[str, Any]:
    context, parent = span.context, span.parent
    assert context is not None
    return {
        "name": span.name, "kind": span.kind, "trace_flags": context.trace_flags,
        "trace_state": context.trace_state, "remote": context.is_remote,
        "parent": parent and (parent.trace_id, parent.span_id, parent.is_remote),
        "attributes": list(dict(span.attributes or {}).items()),
        "dropped_attributes": span.dropped_attributes,
        "events": [(e.name, dict(e.attributes or {}), e.timestamp) for e in span.events],
        "dropped_events": span.dropped_events,
        "links": [(link.context, dict(link.attributes or {})) for link in span.links],
        "dropped_links": span.dropped_links,
        "status": (span.status.status_code, span.status.description),
        "resource": span.resource.attributes, "scope": span.instrumentation_scope,
        "ordered": span.start_time is not None and span.start_time <= (span.end_time or 0),
    }  # fmt: skip


def _without_stacktrace(fields: dict[str, Any]) -> dict[str, Any]:
    """The exception event's stack trace names the line that made it: not compared."""
    for _, attributes, _ in fields["events"]:
        attributes.pop("exception.stacktrace", None)
    return fields


def _assert_alike(exporter: InMemorySpanExporter, traced: bool = True) -> list[dict[str, Any]]:
    spans = exporter.get_finished_spans()
    assert len(spans) == (2 if traced else 0)
    fields = [_without_stacktrace(_fields(span)) for span in spans]
    if traced:
        assert fields[0] == fields[1]
    return fields


def test_a_child_of_a_stored_traceparent_is_the_sdks_span(
    exporter: InMemorySpanExporter,
) -> None:
    ours, theirs = _both(exporter, SAMPLED)
    assert isinstance(ours, LightSpan)
    assert ours.get_span_context().trace_id == theirs.get_span_context().trace_id
    [fields, _] = _assert_alike(exporter)
    assert dict(fields["attributes"])["shop.sizes"] == (41, 42)  # cleaned: a list became a tuple
    assert [name for name, _, _ in fields["events"]] == ["packed", "exception"]
    assert fields["name"] == "waymark.attempt packed"
    [first, _] = exporter.get_finished_spans()
    stacktrace = first.events[1].attributes and first.events[1].attributes["exception.stacktrace"]
    assert stacktrace == "KeyError: 'socks'\n"  # the SDK's format (no traceback: never raised)


def test_a_root_span_is_the_sdks_span(exporter: InMemorySpanExporter) -> None:
    ours, theirs = _both(exporter, None)
    assert ours.get_span_context().trace_id != theirs.get_span_context().trace_id
    [fields, _] = _assert_alike(exporter)
    assert fields["parent"] is None


def test_span_limits_apply_as_in_the_sdk(exporter: InMemorySpanExporter) -> None:
    limits = SpanLimits(max_span_attributes=4, max_span_attribute_length=5, max_events=1,
                        max_event_attributes=1, max_links=0)  # fmt: skip
    _both(exporter, SAMPLED, span_limits=limits)
    [fields, _] = _assert_alike(exporter)
    assert len(fields["attributes"]) == 4 and fields["dropped_attributes"] > 0
    assert fields["events"] == [("exception", {"shop.note": "caught"}, 6)]  # the newest kept
    assert fields["dropped_events"] == 1 and fields["links"] == []


def test_a_count_limit_reached_only_at_the_outcome(exporter: InMemorySpanExporter) -> None:
    """Six attributes at the start fit a limit of seven; the outcome's two do not."""
    _both(exporter, SAMPLED, lambda span: None, span_limits=SpanLimits(max_span_attributes=7))
    [fields, _] = _assert_alike(exporter)
    assert [key for key, _ in fields["attributes"]][-2:] == ["waymark.outcome", "exception.type"]
    assert fields["dropped_attributes"] == 1


def test_always_off_records_nothing(exporter: InMemorySpanExporter) -> None:
    ours, theirs = _both(exporter, SAMPLED, sampler=ALWAYS_OFF)
    assert not ours.is_recording() and not theirs.is_recording()
    assert ours.get_span_context().trace_flags == theirs.get_span_context().trace_flags
    assert not ours.get_span_context().trace_flags.sampled
    _assert_alike(exporter, traced=False)


@pytest.mark.parametrize("traceparent", [SAMPLED, UNSAMPLED])
def test_a_parent_based_ratio_follows_the_stored_parent(
    exporter: InMemorySpanExporter, traceparent: str
) -> None:
    sampled = traceparent == SAMPLED
    ours, _ = _both(exporter, traceparent, sampler=ParentBasedTraceIdRatio(0.0))
    assert ours.is_recording() is False  # ended, or never recording
    assert ours.get_span_context().trace_flags.sampled is sampled
    _assert_alike(exporter, traced=sampled)


@pytest.mark.parametrize("trace_id", [1, 2**64 - 1])
def test_a_ratio_sampler_decides_each_root_span(
    exporter: InMemorySpanExporter, trace_id: int
) -> None:
    """Not decided once for all: the ratio looks at each span's trace id."""
    sampler = ParentBased(TraceIdRatioBased(0.5))
    _both(exporter, None, sampler=sampler, id_generator=_SameIds(trace_id))
    _assert_alike(exporter, traced=trace_id == 1)


def test_a_samplers_attributes_and_trace_state_are_kept(exporter: InMemorySpanExporter) -> None:
    ours, _ = _both(exporter, SAMPLED, sampler=_Tagging())
    assert ours.get_span_context().trace_state == TraceState([("tag", "yes")])
    [fields, _] = _assert_alike(exporter)
    assert dict(fields["attributes"])["sampled.list"] == (1, 2)


def test_a_record_only_decision_records_without_exporting(
    exporter: InMemorySpanExporter,
) -> None:
    recorded: list[trace.Span] = []
    ours, theirs = _both(exporter, None, recorded.append, sampler=AlwaysRecordSampler(ALWAYS_OFF))
    assert recorded == [ours, theirs]  # both recorded, neither exported
    _assert_alike(exporter, traced=False)


class _Stamping(SpanProcessor):
    """A processor that looks at spans as they start."""

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        span.set_attribute("stamped", True)


def test_a_processor_that_sees_spans_start_gets_the_sdks_spans() -> None:
    provider = TracerProvider()
    maker = SpanMaker(provider.get_tracer("waymark"))
    assert maker.start(NAME, None, None, dict(ATTRIBUTES)) is not None
    provider.add_span_processor(_Stamping())
    assert maker.start(NAME, None, None, dict(ATTRIBUTES)) is None


def test_a_span_ended_ignores_what_comes_later(exporter: InMemorySpanExporter) -> None:
    ours, _ = _both(exporter, SAMPLED, lambda span: None)
    ours.set_attribute("late", 1)
    ours.add_event("late")
    ours.end()
    [first, _] = exporter.get_finished_spans()
    assert "late" not in (first.attributes or {}) and not first.events


def test_only_the_sdks_own_tracer_gets_a_maker() -> None:
    """A subclass of the SDK's tracer may start spans its own way: it keeps `start_span`."""
    from opentelemetry.sdk.trace import Tracer

    from waymark_runtime.tracing import _maker

    tracer = TracerProvider().get_tracer("waymark")
    assert isinstance(_maker(tracer), SpanMaker)
    tracer.__class__ = type("OwnTracer", (Tracer,), {})
    assert _maker(tracer) is None
    assert _maker(trace.NoOpTracer()) is None
