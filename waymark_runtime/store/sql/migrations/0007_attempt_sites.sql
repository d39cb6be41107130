-- Attempts and sleeps name their place in the workflow: `site` is the DAG node of the call
-- (the ids `waymark graph` draws), `iteration` which run of that site it was (a JSON list: the
-- iteration of each enclosing loop, a spread's element, the helper calls on the way; see
-- docs/runtime.md). Rows written before this migration have neither (NULL).
ALTER TABLE waymark_attempts ADD COLUMN site text, ADD COLUMN iteration json;

-- A finished sleep is kept, with when it finished, so inspection can show it; only rows with
-- no `finished_at` are pending. They go with their instance (ON DELETE CASCADE).
ALTER TABLE waymark_timers
    ADD COLUMN site text, ADD COLUMN iteration json, ADD COLUMN finished_at timestamptz;
