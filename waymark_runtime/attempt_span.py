"""An attempt's span made without the SDK's `Tracer.start_span`, when the configured tracer is
the OpenTelemetry SDK's (`tracing.start_attempt` uses it; imported only once one is).

`SpanMaker` does what `start_span` and `Span.end` do for the one kind of span an attempt needs
(a child of a stored `traceparent`, or a root, no links), reading the tracer's own sampler, id
generator, span limits, resource, scope and processors: sampling decided by the user's
sampler (once per `traceparent` when a parent-based or static sampler's answer cannot change),
and at the end one `ReadableSpan` handed to the processors' `on_end`, as the SDK hands it.
`LightSpan` is the current span meanwhile: user code sees a recording `Span` with the real
context, so its spans nest under it and what it records (attributes, events, exceptions,
status, name) is exported with it, cleaned and bounded by the span limits as the SDK would.
Only attempts' spans are made here (`waymark.run`, sleeps and waits keep `start_span`), and
only where the result cannot differ: when a processor acts when a span starts or is ending, or
the tracer is disabled, `start` returns None and the attempt gets the SDK's span. Written
against opentelemetry-sdk 1.45; tests/runtime/test_attempt_span.py compares the two spans on
the SDK installed.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from time import time_ns
from typing import Any, cast

from opentelemetry import trace as trace_api
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk.trace import export, sampling
from opentelemetry.sdk.util import BoundedList
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.util import types

_log = logging.getLogger(__name__)

_PLAIN = (str, bool, int, float)
"""Attribute values the SDK stores as they are (no length limit set): they skip its cleaning."""
_PLAIN_TYPES, _STR = frozenset(_PLAIN), frozenset({str})

_QUIET_START = {sdk_trace.SpanProcessor.on_start, export.SimpleSpanProcessor.on_start,
                export.BatchSpanProcessor.on_start}  # fmt: skip
_QUIET_ENDING = {getattr(cls, "_on_ending", None) for cls in
                 (sdk_trace.SpanProcessor, export.SimpleSpanProcessor, export.BatchSpanProcessor)}  # fmt: skip
"""The SDK's processors whose `on_start` and `_on_ending` do nothing: they never see the span
before it ends, so they cannot tell a `LightSpan` from the SDK's."""

_UNSET = Status(StatusCode.UNSET)

_PARENT_BASED = getattr(sampling.ParentBased, "should_sample", None)
_STATIC = getattr(sampling.StaticSampler, "should_sample", None)


class _Parent:
    """What a span's sampling needs of its parent (None: a root), worked out once per
    `traceparent`: its span context, the flags a child gets, and the static sampler's
    decision and trace state when the user's sampler cannot decide otherwise for it."""

    __slots__ = ("decision", "flags", "span", "trace_state")

    def __init__(self, tracer: Any, context: Any) -> None:
        span = trace_api.get_current_span(context).get_span_context() if context else None
        self.span = span if span is not None and span.is_valid else None
        # the W3C random-trace-id flag, if this SDK knows it: as the parent's, or
        # for a root as the id generator says
        random = (getattr(self.span.trace_flags, "random_trace_id", False) if self.span else
                  getattr(tracer.id_generator, "is_trace_id_random", bool)())  # fmt: skip
        extra = getattr(TraceFlags, "RANDOM_TRACE_ID", 0) if random else 0
        self.flags = (
            TraceFlags(TraceFlags.DEFAULT | extra),
            TraceFlags(TraceFlags.SAMPLED | extra),
        )
        self.decision: sampling.Decision | None = None
        self.trace_state: Any = None
        if _decides_alone(tracer.sampler, self.span):
            trace_id = self.span.trace_id if self.span else tracer.id_generator.generate_trace_id()
            result = tracer.sampler.should_sample(context, trace_id, "", SpanKind.CONSUMER)
            self.decision, self.trace_state = result.decision, result.trace_state


def _decides_alone(sampler: Any, parent: SpanContext | None) -> bool:
    """Whether `sampler`'s answer for a child of `parent` is the same for every span (an
    always-on or always-off sampler decides it, perhaps chosen by a parent-based one)."""
    if getattr(type(sampler), "should_sample", None) is _PARENT_BASED:
        if parent is None:
            name = "_root"
        else:
            where = "remote" if parent.is_remote else "local"
            name = f"_{where}_parent_{'sampled' if parent.trace_flags.sampled else 'not_sampled'}"
        sampler = getattr(sampler, name, None)
    return getattr(type(sampler), "should_sample", None) is _STATIC


class SpanMaker:
    """Makes attempt spans for one SDK tracer, as its `start_span` would."""

    def __init__(self, tracer: Any) -> None:
        self.tracer = tracer
        self._parents: dict[str | None, _Parent] = {}
        self._sampler = tracer.sampler
        self._checked: Any = None
        self._quiet = False
        self.limits = limits = tracer._span_limits
        self.plain = limits.max_span_attribute_length is None  # else strings are cut to length
        self.room: int | None = limits.max_span_attributes
        self._metrics = getattr(tracer, "_tracer_metrics", None)

    def usable(self) -> bool:
        """Whether a span made here is one the SDK's would be indistinguishable from: the
        tracer is enabled, and no processor looks at a span before it ends."""
        tracer = self.tracer
        enabled = getattr(tracer, "_is_enabled", None)
        if enabled is not None and not enabled():
            return False
        processors = getattr(tracer.span_processor, "_span_processors", None)
        if processors is not self._checked:
            self._checked, self._quiet = (
                processors,
                processors is not None
                and all(
                    type(p).on_start in _QUIET_START
                    and getattr(type(p), "_on_ending", None) in _QUIET_ENDING
                    for p in processors
                ),
            )
        return self._quiet

    def _parent(self, traceparent: str | None, context: Any) -> _Parent:
        tracer = self.tracer
        if tracer.sampler is not self._sampler:
            self._parents.clear()
            self._sampler = tracer.sampler
        found = self._parents.get(traceparent)
        if found is None:
            if len(self._parents) >= 1024:
                self._parents.clear()
            found = self._parents[traceparent] = _Parent(tracer, context)
        return found

    def start(
        self, name: str, traceparent: str | None, context: Any, attributes: dict[str, Any]
    ) -> trace_api.Span | None:
        """A started `CONSUMER` span named `name`, child of `context` (the parsed
        `traceparent`, None: a root), or None when it must be the SDK's (`usable`)."""
        if not self.usable():
            return None
        tracer = self.tracer
        parent = self._parent(traceparent, context)
        ids = tracer.id_generator
        trace_id = parent.span.trace_id if parent.span else ids.generate_trace_id()
        decision, trace_state = parent.decision, parent.trace_state
        if decision is None:
            result = tracer.sampler.should_sample(context, trace_id, name, SpanKind.CONSUMER,
                                                  attributes, ())  # fmt: skip
            decision, trace_state = result.decision, result.trace_state
            attributes = dict(result.attributes)
        flags = parent.flags[decision.is_sampled()]
        span_context = SpanContext(trace_id, ids.generate_span_id(), False, flags, trace_state)
        ended = self._metrics.start_span(parent.span, decision) if self._metrics else None
        if not decision.is_recording():
            return trace_api.NonRecordingSpan(span_context)
        return LightSpan(self, name, span_context, parent.span, attributes, ended)


class LightSpan(trace_api.Span, sdk_trace.ReadableSpan):
    """A recording attempt span: what user code records on it is kept as the SDK's span
    keeps it (attributes within the limits, events, links, status, name), and `end` hands the
    processors one `ReadableSpan`. Like the SDK's span it is a `ReadableSpan` too (its fields,
    set here, are the ones that class reads), so code that reads the current span's name or
    attributes still can. No lock: the attempt's task is its only writer but for a thread its
    code starts, and a value recorded after the end is dropped with a warning."""

    def __init__(
        self,
        maker: SpanMaker,
        name: str,
        context: SpanContext,
        parent: SpanContext | None,
        attributes: dict[str, Any],
        ended: Callable[[], None] | None,
    ) -> None:
        self._maker = maker
        tracer = maker.tracer
        self._resource = tracer.resource
        self._instrumentation_info = tracer.instrumentation_info
        self._instrumentation_scope = tracer._instrumentation_scope
        self._kind = SpanKind.CONSUMER
        self._name = name
        self._context = context
        self._parent = parent
        self._ended = ended
        self._attributes: dict[str, Any] | BoundedAttributes = attributes
        if not (maker.plain and _plain(attributes, maker.room)):
            self._bound()
        self._events: Any = ()
        self._links: Any = ()
        self._status = _UNSET
        self._start_time = time_ns()
        self._end_time: int | None = None

    def __repr__(self) -> str:
        return f'{type(self).__name__}(name="{self._name}", context={self._context})'

    def get_span_context(self) -> SpanContext:
        return cast(SpanContext, self._context)  # never None here, unlike a ReadableSpan's

    def is_recording(self) -> bool:
        return self._end_time is None

    def _bound(self) -> BoundedAttributes:
        """The attributes from now on in the SDK's container: a value to clean, or the count
        limit reached."""
        attributes = self._attributes
        if not isinstance(attributes, BoundedAttributes):
            limits = self._maker.limits
            attributes = self._attributes = BoundedAttributes(
                limits.max_span_attributes, attributes, immutable=False,
                max_value_len=limits.max_span_attribute_length)  # fmt: skip
        return attributes

    def set_attribute(self, key: str, value: types.AnyValue) -> None:
        if self._ended_already("set_attribute"):
            return
        attributes = self._attributes
        room = self._maker.room
        if (
            type(attributes) is dict
            and type(key) is str
            and key
            and type(value) in _PLAIN
            and (room is None or key in attributes or len(attributes) < room)
        ):
            attributes.pop(key, None)  # a key set again moves to the end, as in the SDK's
            attributes[key] = value
        else:
            self._bound()[key] = value

    def set_attributes(self, attributes: Mapping[str, types.AnyValue]) -> None:
        for key, value in attributes.items():
            self.set_attribute(key, value)

    def add_event(
        self, name: str, attributes: types.Attributes = None, timestamp: int | None = None
    ) -> None:
        if self._ended_already("add_event"):
            return
        limits = self._maker.limits
        if not self._events:
            self._events = BoundedList(limits.max_events)
        bounded = BoundedAttributes(limits.max_event_attributes, attributes, immutable=True,
                                    max_value_len=limits.max_attribute_length)  # fmt: skip
        self._events.append(sdk_trace.Event(name, bounded, timestamp))

    def add_link(self, context: SpanContext, attributes: types.Attributes = None) -> None:
        if self._ended_already("add_link"):
            return
        if not (context and (context.is_valid or attributes or context.trace_state)):
            return  # the SDK's test of a link worth keeping
        limits = self._maker.limits
        if not self._links:
            self._links = BoundedList(limits.max_links)
        bounded = BoundedAttributes(limits.max_link_attributes, attributes, immutable=True,
                                    max_value_len=limits.max_attribute_length)  # fmt: skip
        self._links.append(trace_api.Link(context, bounded))

    def update_name(self, name: str) -> None:
        if not self._ended_already("update_name"):
            self._name = name

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        """As the SDK's: OK is final, UNSET is ignored."""
        if self._ended_already("set_status") or self._status.status_code is StatusCode.OK:
            return
        if isinstance(status, Status):
            if status.status_code is not StatusCode.UNSET:
                self._status = status
        elif status is not StatusCode.UNSET:
            self._status = Status(status, description)

    def record_exception(
        self,
        exception: BaseException,
        attributes: types.Attributes = None,
        timestamp: int | None = None,
        escaped: bool = False,
    ) -> None:
        """An `exception` event with the semantic conventions' attributes, as the SDK's."""
        kind = type(exception)
        module = kind.__module__
        recorded: dict[str, Any] = {
            "exception.type": f"{module}.{kind.__qualname__}"
            if module and module != "builtins" else kind.__qualname__,
            "exception.message": str(exception),
            "exception.stacktrace": "".join(traceback.format_exception(exception)),
            "exception.escaped": str(escaped),
        }  # fmt: skip
        recorded.update(attributes or {})
        self.add_event("exception", recorded, timestamp)

    def end(self, end_time: int | None = None) -> None:
        if self._ended_already("end"):
            return
        self._end_time = end = end_time if end_time is not None else time_ns()
        if self._ended is not None:
            self._ended()
        self._maker.tracer.span_processor.on_end(sdk_trace.ReadableSpan(
            self._name, self._context, self._parent, self._resource, self._attributes,
            self._events, self._links, self._kind, self._instrumentation_info, self._status,
            self._start_time, end, self._instrumentation_scope))  # fmt: skip

    def _ended_already(self, what: str) -> bool:
        if self._end_time is None:
            return False
        _log.warning("Tried calling %s on an ended span.", what)
        return True


def _plain(attributes: dict[str, Any], room: int | None) -> bool:
    """Whether the SDK would keep `attributes` as they are: non-empty string keys, values it
    stores unchanged, no more than the count limit."""
    return (
        (room is None or len(attributes) <= room)
        and set(map(type, attributes)) <= _STR
        and "" not in attributes
        and set(map(type, attributes.values())) <= _PLAIN_TYPES
    )
