-- Flow control: workflow concurrency rules and action slots (see migration 0013). Loaded with
-- `queries.sql` (`sql.queries`).

-- name: set_flow_rules
-- Keep each workflow's concurrency rule and default deadline: $1 names, $2 key inputs (NULL:
-- the workflow as a whole), $3 the JSON of each key input's default, $4 limits (NULL:
-- unlimited, the rule goes), $5 default deadlines in seconds (NULL: none, the default goes;
-- migration 0017 applies them).
WITH rules AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[],
                         $5::double precision[])
        AS r (workflow_name, key_input, key_default, max_running, timeout)
), dropped AS (
    DELETE FROM waymark_workflow_concurrency AS c
    USING rules AS r
    WHERE c.workflow_name = r.workflow_name AND r.max_running IS NULL
    RETURNING 1
), timeouts_dropped AS (
    DELETE FROM waymark_workflow_timeouts AS t
    USING rules AS r
    WHERE t.workflow_name = r.workflow_name AND r.timeout IS NULL
    RETURNING 1
), timeouts_kept AS (
    INSERT INTO waymark_workflow_timeouts AS t (workflow_name, seconds)
    SELECT r.workflow_name, r.timeout FROM rules AS r WHERE r.timeout IS NOT NULL
    ON CONFLICT (workflow_name) DO UPDATE SET seconds = excluded.seconds
    RETURNING 1
)
INSERT INTO waymark_workflow_concurrency AS c (workflow_name, key_input, key_default, max_running)
SELECT r.workflow_name, r.key_input, r.key_default::json, r.max_running
FROM rules AS r
WHERE r.max_running IS NOT NULL
ON CONFLICT (workflow_name) DO UPDATE
    SET key_input = excluded.key_input, key_default = excluded.key_default,
        max_running = excluded.max_running;

-- name: lock_action_gates
-- Lock the gate rows of actions $1 (created on first use), in name order so two runners never
-- wait on each other; returns each action's recent start times. Held until the transaction
-- ends: the counts read after it see every grant committed before. The server ends the
-- session when the transaction then waits $2 ms on its runner between statements
-- (`SHORT_IDLE_MS`): a runner frozen mid-grant holds the other runners' grants back no longer.
WITH bound AS (
    SELECT set_config('idle_in_transaction_session_timeout', $2::text, true)
)
INSERT INTO waymark_action_gates AS g (action)
SELECT a FROM unnest($1::text[]) AS a, bound ORDER BY a
ON CONFLICT (action) DO UPDATE SET action = excluded.action
RETURNING g.action, g.starts;

-- name: running_attempts
-- How many attempts of each action of $1 run now, started through the gate, or ended by a
-- cancel while their worker may still execute them (`slot_until` after $2): its taken slots.
SELECT action, count(*) AS running FROM (
    SELECT action FROM waymark_attempts
    WHERE status = 'running' AND gated AND action = ANY ($1::text[])
    UNION ALL
    SELECT action FROM waymark_attempts
    WHERE slot_until IS NOT NULL AND slot_until > to_timestamp($2) AND action = ANY ($1::text[])
) AS taken
GROUP BY action;

-- name: started_slots
-- Which of the requested attempts ($2 instances, $3 nodes, $4 attempts, $5 claim epochs)
-- owner $1 already started through the gate under that claim: a grant whose transaction
-- committed while its answer was lost with the connection, asked for again.
SELECT a.instance_id, a.node, a.attempt
FROM unnest($2::uuid[], $3::text[], $4::integer[], $5::bigint[])
        AS g (instance_id, node, attempt, epoch)
JOIN waymark_instances AS i
    ON i.id = g.instance_id AND i.lease_owner = $1 AND i.lease_epoch = g.epoch
JOIN waymark_attempts AS a
    ON a.instance_id = g.instance_id AND a.node = g.node AND a.attempt = g.attempt
WHERE a.status = 'running' AND a.gated AND a.lease_owner = $1;

-- name: grant_slots
-- Start the granted attempts for owner $1 at $2 — only those still queued, of an instance $1
-- holds under the claim of the request's epoch — and keep each rate-limited action's recent
-- start times ($7: a JSON object, action -> list). Returns the attempts started.
-- The instance rows are share-locked (`held`), which reads their newest version, not the
-- statement's snapshot: a lease taken away meanwhile (reclaimed past its expiry, so that
-- another runner may claim the instance) is seen, and no slot is granted under it; and until
-- this transaction ends, nobody takes the lease, so the next claim reads the attempts started.
-- Granting under a lease cleared after the snapshot would start an attempt that the next
-- claim, reading the older rows, holds as queued and asks a slot for in vain. A lease past
-- its expiry, not yet reclaimed, grants nothing either: its worker would refuse to start
-- the attempt (its lease lapsed), and the slot would stay taken until the reclaim.
WITH held AS (
    SELECT i.id, i.lease_epoch FROM waymark_instances AS i
    WHERE i.id = ANY ($3::uuid[]) AND i.lease_owner = $1
      AND i.lease_expires_at > to_timestamp($2)
    ORDER BY i.id
    FOR SHARE
), granted AS (
    UPDATE waymark_attempts AS a
    SET status = 'running', gated = true, lease_owner = $1, started_at = to_timestamp($2)
    FROM unnest($3::uuid[], $4::text[], $5::integer[], $6::bigint[])
            AS g (instance_id, node, attempt, epoch)
    JOIN held AS i ON i.id = g.instance_id AND i.lease_epoch = g.epoch
    WHERE a.instance_id = g.instance_id AND a.node = g.node AND a.attempt = g.attempt
      AND a.status = 'queued'
    RETURNING a.instance_id, a.node, a.attempt
), starts AS (
    UPDATE waymark_action_gates AS g
    SET starts = s.value
    FROM json_each($7::json) AS s
    WHERE g.action = s.key
    RETURNING 1
)
SELECT instance_id, node, attempt, (SELECT count(*) FROM starts) AS gates FROM granted;

-- name: slots_freed
-- Attempts of actions $1 ended: runners waiting for their slots try again.
SELECT pg_notify('waymark_slots', a) FROM unnest($1::text[]) AS a;

-- name: release_slots
-- The executions of these attempts ($1 instances, $2 nodes, $3 attempts, $4 claim epochs)
-- ended on the workers of the claim of that epoch: the slots a cancel or their instance's end
-- left taken until the lease lapsed (`slot_until`) are free now, and runners waiting for
-- them hear of it. Fenced by the epoch: a claim that has lost its instance to another (whose
-- own execution of the attempt may still run) frees nothing.
WITH released AS (
    UPDATE waymark_attempts AS a SET slot_until = NULL
    FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::bigint[])
            AS e (instance_id, node, attempt, epoch)
    JOIN waymark_instances AS i ON i.id = e.instance_id AND i.lease_epoch = e.epoch
    WHERE a.instance_id = e.instance_id AND a.node = e.node AND a.attempt = e.attempt
      AND a.slot_until IS NOT NULL
    RETURNING a.action
)
SELECT pg_notify('waymark_slots', action) FROM (SELECT DISTINCT action FROM released) AS r;
