"""OpenTelemetry tracing (the `waymark[otel]` extra): a trace per instance, a span per attempt
and per sleep or signal wait.

`run()` starts a short `waymark.run <Workflow>` span under the caller's current span (a new
trace when there is none) and stores its W3C `traceparent` with the instance; each attempt then
runs inside a `waymark.attempt <action>` span, child of that one, made where the action runs and
current while its code runs, so spans the action opens nest under it. A durable sleep or signal
wait becomes a `waymark.sleep` / `waymark.wait <signal>` span in the same trace, made by the
runner whose step resumes the workflow — perhaps not the one that began it, so the span is
made at the end, from the start stored with the timer or wait row (`consumed.Pause`). Without
`opentelemetry-api` installed every function here does nothing; with it but without an SDK
configured (the API's default proxy provider), nothing is traced either and an attempt pays
one provider check.

Per attempt the span is most of what tracing costs, so everything else is done once — the
tracer per process, the parent context per `traceparent`, the span name per action — and the
span is made current with a bare `attach`/`detach` rather than the API's context managers.
When the tracer is the SDK's own, the span is not `Tracer.start_span`'s either: the SDK's
span was nine tenths of what tracing cost an attempt, so `attempt_span.SpanMaker` makes an
equivalent one (the user's sampler, id generator, span limits and processors, one
`ReadableSpan` to `on_end`); any other tracer, or a processor that looks at spans as they
start, gets `start_span` (benchmarks/README.md, W2.otel).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from waymark_runtime.consumed import Pause
    from waymark_runtime.engine import ClaimedInstance
    from waymark_runtime.logs import AttemptContext


@functools.cache
def _api() -> Any:
    """The `opentelemetry.trace` module, or None when the API is not installed."""
    try:
        from opentelemetry import trace
    except ImportError:
        return None
    return trace


_TRACER: list[Any] = []
"""The `waymark` tracer once an SDK's provider is set: the API lets a process set its provider
once, so from then on no attempt asks for it again."""


def _tracer() -> Any:
    """The `waymark` tracer, or None while no SDK is configured (the API's proxy provider
    stands in): then tracing costs one provider check per attempt."""
    if _TRACER:
        return _TRACER[0]
    trace = _api()
    if trace is None:
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
        return None
    tracer = provider.get_tracer("waymark")
    _TRACER[:] = [tracer, _maker(tracer)]
    return tracer


def _maker(tracer: Any) -> Any:
    """The `SpanMaker` of attempt spans when `tracer` is the SDK's own, else None: any other
    tracer (a subclass too) starts every span its own way."""
    try:
        from opentelemetry.sdk.trace import Tracer
    except ImportError:
        return None
    if type(tracer) is not Tracer:
        return None
    from waymark_runtime.attempt_span import SpanMaker

    try:
        return SpanMaker(tracer)
    except AttributeError:  # an SDK without what the maker reads: its own spans, then
        return None


@functools.cache
def _propagator() -> Any:
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    return TraceContextTextMapPropagator()


@functools.lru_cache(maxsize=1024)
def _parent(traceparent: str) -> Any:
    """The (immutable) context of a stored `traceparent`, parsed once: every attempt of an
    instance has the same one."""
    return _propagator().extract({"traceparent": traceparent})


@functools.lru_cache(maxsize=1024)
def _span_name(action: str) -> str:
    return f"waymark.attempt {action.rpartition(':')[2]}"


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


class AttemptSpan:
    """The span of one running attempt, current in this task's context until it ends: `end`
    when the attempt has an outcome, `abandon` when it stops without one."""

    __slots__ = ("span", "token")

    def __init__(self, span: Any, token: Any) -> None:
        self.span = span
        self.token = token

    def end(self, ok: bool, error: Any) -> None:
        """Record the outcome (`error`: the JSON exception value) and end the span."""
        _context_api().detach(self.token)
        span = self.span
        if span.is_recording():
            span.set_attribute("waymark.outcome", "ok" if ok else "error")
            if not ok:
                kind = str(error.get("type", "?")) if isinstance(error, dict) else "?"
                name = kind.rpartition(":")[2]
                span.set_attribute("exception.type", name)
                _set_error(span, name)
        span.end()

    def abandon(self, error: BaseException) -> None:
        """End the span of an attempt that raised instead of returning an outcome: an error
        (a bug of ours) is recorded as the API's `use_span` would, a cancellation is not."""
        _context_api().detach(self.token)
        span = self.span
        if isinstance(error, Exception) and span.is_recording():
            span.record_exception(error)
            _set_error(span, f"{type(error).__name__}: {error}")
        span.end()


def start_attempt(context: AttemptContext) -> AttemptSpan | None:
    """Start the span of one attempt and make it current (None when tracing is off). Every
    attribute but the outcome is given at the start, where a sampler can see it."""
    tracer = _tracer()
    if tracer is None:
        return None
    trace = _api()
    attributes = {"waymark.instance_id": context.instance_id,
                  "waymark.workflow": context.workflow, "waymark.action": context.action,
                  "waymark.attempt": context.attempt, "waymark.node": context.node}  # fmt: skip
    if context.site is not None:
        attributes["waymark.site"] = context.site
    parent = _parent(context.trace) if context.trace else None
    name, maker = _span_name(context.action), _TRACER[1]
    span = maker.start(name, context.trace, parent, attributes) if maker is not None else None
    if span is None:  # not the SDK's tracer, or a processor that must see the SDK's span
        span = tracer.start_span(name, parent, trace.SpanKind.CONSUMER, attributes)
    return AttemptSpan(span, _context_api().attach(trace.set_span_in_context(span)))


@functools.cache
def _context_api() -> Any:
    from opentelemetry import context

    return context


def _set_error(span: Any, description: str) -> None:
    trace = _api()
    span.set_status(trace.Status(trace.StatusCode.ERROR, description))


def record_pauses(instance: ClaimedInstance, pauses: list[Pause]) -> None:
    """The spans of a traced instance's sleeps and waits that just ended, children of its
    `waymark.run` span: each from when it began to when the workflow resumed, with events at
    both ends (`<span>.start`, then `.end`, `.signal` or `.timeout`)."""
    tracer = _tracer()
    if tracer is None or instance.trace is None:
        return
    parent = _parent(instance.trace)
    for pause in pauses:
        began, signal = pause.began, pause.began.signal
        start, end = int(began.at * 1e9), int(max(pause.ended, began.at) * 1e9)
        attributes: dict[str, Any] = {"waymark.instance_id": instance.instance_id,
                                      "waymark.workflow": instance.workflow,
                                      "waymark.node": pause.node}  # fmt: skip
        if began.site is not None:
            attributes["waymark.site"] = began.site
        if signal is None:
            name, kind, ending = "waymark.sleep", "waymark.sleep", "end"
        else:
            name, kind, ending = f"waymark.wait {signal}", "waymark.wait", pause.how
            attributes["waymark.signal"] = signal
            attributes["waymark.outcome"] = pause.how
        span = tracer.start_span(name, parent, attributes=attributes, start_time=start)
        span.add_event(f"{kind}.start", timestamp=start)
        span.add_event(f"{kind}.{ending}", timestamp=end)
        span.end(end_time=end)
