-- Where a failed attempt raised: `{"text": formatted traceback, "frames": [{filename, lineno,
-- name, line}, ...]}` (see waymark_runtime/tracebacks.py); NULL for other attempts.
ALTER TABLE waymark_attempts ADD COLUMN traceback json;

-- The trace an instance belongs to (OpenTelemetry, W3C `traceparent`): the span of the `run()`
-- that created it, so its attempts' spans join the trace of the request that started it.
ALTER TABLE waymark_instances ADD COLUMN trace_parent text;
