"""OpenTelemetry tracing (the `waymark[otel]` extra): a trace per instance, a span per attempt.

`run()` starts a short `waymark.run <Workflow>` span under the caller's current span (a new
trace when there is none) and stores its W3C `traceparent` with the instance; each attempt then
runs inside a `waymark.attempt <action>` span, child of that one, made where the action runs and
current while its code runs, so spans the action opens nest under it. Without
`opentelemetry-api` installed every function here does nothing; with it but without an SDK
configured (the API's default proxy provider), nothing is traced either and an attempt pays
one provider check.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from waymark_runtime.logs import AttemptContext


@functools.cache
def _api() -> Any:
    """The `opentelemetry.trace` module, or None when the API is not installed."""
    try:
        from opentelemetry import trace
    except ImportError:
        return None
    return trace


def _tracer() -> Any:
    """The `waymark` tracer, or None while no SDK is configured (the API's proxy provider
    stands in): then tracing costs nothing per attempt."""
    trace = _api()
    if trace is None:
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return None
    return _tracer_of(provider)


@functools.lru_cache(maxsize=4)
def _tracer_of(provider: Any) -> Any:
    """One tracer per provider (an SDK makes a new one on every `get_tracer` call)."""
    return provider.get_tracer("waymark")


@functools.cache
def _propagator() -> Any:
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    return TraceContextTextMapPropagator()


@functools.lru_cache(maxsize=1024)
def _parent(traceparent: str) -> Any:
    """The (immutable) context of a stored `traceparent`, parsed once: every attempt of an
    instance has the same one."""
    return _propagator().extract({"traceparent": traceparent})


def start_trace(workflow: str) -> str | None:
    """The `traceparent` to store with a new instance of `workflow` (None: not traced)."""
    tracer = _tracer()
    if tracer is None:
        return None
    kind = _api().SpanKind.PRODUCER
    with tracer.start_as_current_span(f"waymark.run {workflow}", kind=kind) as span:
        if not span.get_span_context().is_valid:  # a sampler dropped it: nothing to join
            return None
        span.set_attribute("waymark.workflow", workflow)
        carrier: dict[str, str] = {}
        _propagator().inject(carrier)
        return carrier.get("traceparent")


@contextlib.contextmanager
def attempt_span(context: AttemptContext | None) -> Iterator[Any]:
    """The span of one attempt, current inside the block (None when tracing is off)."""
    tracer = _tracer() if context is not None else None
    if tracer is None or context is None:
        yield None
        return
    parent = _parent(context.trace) if context.trace else None
    attributes = {"waymark.instance_id": context.instance_id,
                  "waymark.workflow": context.workflow, "waymark.action": context.action,
                  "waymark.attempt": context.attempt, "waymark.node": context.node}  # fmt: skip
    name = f"waymark.attempt {context.action.rpartition(':')[2]}"
    kind = _api().SpanKind.CONSUMER
    with tracer.start_as_current_span(name, context=parent, kind=kind,
                                      attributes=attributes) as span:  # fmt: skip
        yield span


def end_attempt(span: Any, ok: bool, error: Any) -> None:
    """Record an attempt's outcome on its span (`error`: the JSON exception value)."""
    if span is None or not span.is_recording():
        return
    span.set_attribute("waymark.outcome", "ok" if ok else "error")
    if not ok:
        from opentelemetry.trace import Status, StatusCode

        kind = str(error.get("type", "?")) if isinstance(error, dict) else "?"
        span.set_attribute("exception.type", kind.rpartition(":")[2])
        span.set_status(Status(StatusCode.ERROR, kind.rpartition(":")[2]))
