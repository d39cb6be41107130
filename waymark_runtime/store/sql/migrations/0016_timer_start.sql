-- When a durable sleep began (the commit that planned it), next to when it ends (`wake_at`):
-- a traced instance's sleep becomes a span from `started_at` to when the workflow resumed,
-- made by whichever runner steps it on (docs/operations.md, "Traces"). Signal waits have
-- theirs already (`created_at`). Rows written before this migration have none (NULL).
ALTER TABLE waymark_timers ADD COLUMN started_at timestamptz;
