-- Every statement about schedule rows, one `-- name:` block per method of
-- `waymark_runtime.schedules.rows.ScheduleRows`. Conventions follow queries.sql: times are epoch
-- seconds from the caller's clock (`to_timestamp($n)`), JSON travels as text and is cast here.
-- Instances are never created here: a fire goes through the store's `create_instances`.

-- name: upsert_schedule
-- Create or update schedule $2 of workflow $1 and register program version $11 ($12 its text).
-- Registering makes that version the newest (re-registering an older one, a rollback, makes
-- scheduled runs use it again). An unchanged cadence keeps the pending fire; a changed jitter
-- only re-draws its offset ($10 - $9). The status is kept: a deploy does not resume a pause.
-- Schedulers hear of it on `waymark_schedules` (every statement that changes a schedule does so).
WITH version AS (
    INSERT INTO waymark_workflow_versions AS v (name, version, wrl, created_at)
    VALUES ($1, $11, $12, to_timestamp($13))
    ON CONFLICT (name, version)  -- the caller checked the text: another text there is forged
        DO UPDATE SET created_at = greatest(v.created_at, excluded.created_at), wrl = excluded.wrl
), upserted AS (
INSERT INTO waymark_schedules AS s
    (workflow_name, name, schedule_type, cron_expression, interval_seconds, inputs,
     jitter_seconds, allow_duplicate, priority, next_slot_at, next_run_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6::text::json, $7, $8, $14, to_timestamp($9), to_timestamp($10),
        to_timestamp($13), to_timestamp($13))
ON CONFLICT (workflow_name, name) DO UPDATE SET
    inputs = excluded.inputs,
    allow_duplicate = excluded.allow_duplicate,
    priority = excluded.priority,
    jitter_seconds = excluded.jitter_seconds,
    next_slot_at = CASE
        WHEN s.next_slot_at IS NOT NULL AND s.schedule_type = excluded.schedule_type
             AND s.cron_expression IS NOT DISTINCT FROM excluded.cron_expression
             AND s.interval_seconds IS NOT DISTINCT FROM excluded.interval_seconds
        THEN s.next_slot_at ELSE excluded.next_slot_at END,
    next_run_at = CASE
        WHEN s.next_slot_at IS NULL OR s.schedule_type <> excluded.schedule_type
             OR s.cron_expression IS DISTINCT FROM excluded.cron_expression
             OR s.interval_seconds IS DISTINCT FROM excluded.interval_seconds
        THEN excluded.next_run_at
        WHEN s.jitter_seconds = excluded.jitter_seconds THEN s.next_run_at
        ELSE s.next_slot_at + (excluded.next_run_at - excluded.next_slot_at) END,
    schedule_type = excluded.schedule_type,
    cron_expression = excluded.cron_expression,
    interval_seconds = excluded.interval_seconds,
    updated_at = excluded.updated_at
RETURNING id
)
SELECT id, pg_notify('waymark_schedules', '')::text FROM upserted;

-- name: set_schedule_status
-- Pause or resume schedule $2 of workflow $1. A resumed schedule keeps its pending fire: when
-- that moment passed while paused, the next tick fires it once.
WITH changed AS (
    UPDATE waymark_schedules
    SET status = $3, updated_at = to_timestamp($4)
    WHERE workflow_name = $1 AND name = $2
    RETURNING id
)
SELECT id, pg_notify('waymark_schedules', '')::text FROM changed;

-- name: delete_schedule
-- Instances the schedule already queued are left alone.
WITH deleted AS (
    DELETE FROM waymark_schedules WHERE workflow_name = $1 AND name = $2 RETURNING id
)
SELECT id, pg_notify('waymark_schedules', '')::text FROM deleted;

-- name: list_schedules
-- Schedules filtered by status $1, workflow $2 and schedule name $3 (each NULL for any).
SELECT id, workflow_name, name, schedule_type, cron_expression, interval_seconds, inputs,
       jitter_seconds, allow_duplicate, priority, status, last_instance_id,
       extract(epoch FROM next_run_at)::double precision AS next_run_at,
       extract(epoch FROM last_run_at)::double precision AS last_run_at,
       extract(epoch FROM created_at)::double precision AS created_at,
       extract(epoch FROM updated_at)::double precision AS updated_at
FROM waymark_schedules
WHERE ($1::text IS NULL OR status = $1)
  AND ($2::text IS NULL OR workflow_name = $2)
  AND ($3::text IS NULL OR name = $3)
ORDER BY workflow_name, name;

-- name: bound_tick_idle
-- For the rest of the tick's transaction: the server ends the session when it waits $1 ms on
-- its scheduler between statements, so a scheduler frozen mid-tick lets its row locks go.
SELECT set_config('idle_in_transaction_session_timeout', $1::text, true);

-- name: claim_due_schedules
-- Lock up to $2 active schedules due by $1, earliest first, skipping rows another scheduler
-- holds. Without allow_duplicate, a schedule whose last instance has not finished is not due
-- yet (it fires once that instance finishes). Each comes with the newest registered version.
-- Run inside the transaction that records the fires, so two schedulers cannot both fire one.
SELECT s.id, s.workflow_name, s.name, s.schedule_type, s.cron_expression, s.interval_seconds,
       s.inputs, s.jitter_seconds, s.priority,
       extract(epoch FROM coalesce(s.next_slot_at, s.next_run_at))::double precision AS slot,
       v.version, v.wrl
FROM waymark_schedules AS s
JOIN LATERAL (
    SELECT w.version, w.wrl FROM waymark_workflow_versions AS w
    WHERE w.name = s.workflow_name
    ORDER BY w.created_at DESC, w.version
    LIMIT 1
) AS v ON true
WHERE s.status = 'active' AND s.next_run_at <= to_timestamp($1)
  AND (s.allow_duplicate OR NOT EXISTS (
      SELECT 1 FROM waymark_instances AS i
      WHERE i.id = s.last_instance_id AND i.finished_at IS NULL))
ORDER BY s.next_run_at
LIMIT $2
FOR UPDATE OF s SKIP LOCKED;

-- name: next_due
-- When a scheduler must look again, at $1: the earliest run time of an active schedule that
-- its unfinished last instance does not hold back (NULL: none), and the unfinished instances
-- that hold back schedules already due (each one's end makes its schedule due).
SELECT extract(epoch FROM min(s.next_run_at) FILTER (WHERE NOT s.held))::double precision
           AS next_run,
       coalesce(array_agg(s.last_instance_id) FILTER (WHERE s.held), '{}') AS holders
FROM (
    SELECT s.next_run_at, s.last_instance_id,
           s.next_run_at <= to_timestamp($1) AND NOT s.allow_duplicate AND EXISTS (
               SELECT 1 FROM waymark_instances AS i
               WHERE i.id = s.last_instance_id AND i.finished_at IS NULL) AS held
    FROM waymark_schedules AS s
    WHERE s.status = 'active'
) AS s;

-- name: record_fires
-- After the instances exist: move each fired schedule ($2) to its next slot and run time.
UPDATE waymark_schedules AS s
SET last_run_at = to_timestamp($1),
    last_instance_id = f.instance_id,
    next_slot_at = to_timestamp(f.next_slot),
    next_run_at = to_timestamp(f.next_run),
    updated_at = to_timestamp($1)
FROM unnest($2::uuid[], $3::uuid[], $4::double precision[], $5::double precision[])
    AS f (id, instance_id, next_slot, next_run)
WHERE s.id = f.id;
