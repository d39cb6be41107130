-- Where a failed attempt raised: `{"text": formatted traceback, "frames": [{filename, lineno,
-- name, line}, ...]}` (see waymark_runtime/tracebacks.py); NULL for other attempts.
ALTER TABLE waymark_attempts ADD COLUMN traceback json;
