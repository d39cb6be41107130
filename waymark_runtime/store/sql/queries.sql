-- Every statement the PostgreSQL store runs, one `-- name:` block per store method.
-- Conventions: times are epoch seconds from the caller's clock (`to_timestamp($n)`); JSON values
-- travel as text and are cast here (asyncpg cannot tell a JSON list from an array dimension);
-- batches are parallel arrays expanded with `unnest`, so a batch costs one round trip.

-- name: create_instances
-- Register the distinct program versions (idempotent) and insert the instances, runnable now.
-- The caller checked that each text hashes to its version, so a row holding other text for it
-- has other source positions (or is forged): it is overwritten, and what `run()` submitted is
-- what runs, with the positions of the source that submitted it last. An instance with an
-- idempotency key ($12) another instance of its workflow holds is not created: a row per such
-- input (`ord`, 1-based) names the instance it joined (`joined` is NULL when a racing start
-- with the key committed after this statement began: the caller looks again), and one last
-- row with a NULL `ord` sends the notification. An id that exists already is this start made
-- again (a retry whose first answer was lost with the connection, even while that first try
-- still commits on the server; a scheduler's fire that a dead scheduler queued): it is not
-- created twice, and the start joins that instance.
WITH versions AS (
    INSERT INTO waymark_workflow_versions AS w (name, version, wrl, created_at)
    SELECT v.name, v.version, v.wrl, to_timestamp($9)
    FROM unnest($1::text[], $2::text[], $3::text[]) AS v (name, version, wrl)
    ON CONFLICT (name, version) DO UPDATE SET wrl = excluded.wrl WHERE w.wrl <> excluded.wrl
), input AS (
    SELECT * FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::integer[],
                         $10::text[], $11::text[], $12::text[], $13::double precision[])
        WITH ORDINALITY AS n (id, name, version, inputs, priority, trace_parent, pins,
                              idempotency_key, deadline, ord)
), created AS (
    INSERT INTO waymark_instances
        (id, workflow_name, workflow_version, inputs, priority, idempotency_key, deadline_at,
         wake_at, created_at, updated_at, trace_parent, pins)
    SELECT n.id, n.name, n.version, n.inputs::json, n.priority, n.idempotency_key,
           to_timestamp(n.deadline), to_timestamp($9), to_timestamp($9), to_timestamp($9),
           n.trace_parent, n.pins::json
    FROM input AS n
    WHERE NOT EXISTS (SELECT 1 FROM waymark_instances AS e WHERE e.id = n.id)
    ORDER BY n.ord
    -- Any arbiter: the key's index, and the id's, for a try whose first try (the same id) is
    -- still in flight, invisible to `NOT EXISTS`: this one waits for it and joins it.
    ON CONFLICT DO NOTHING
    RETURNING id, workflow_name, idempotency_key
), notified AS (
    SELECT CASE WHEN count(*) > 0 THEN pg_notify('waymark_runnable', '')::text END FROM created
)
SELECT n.ord, coalesce(k.id, i.id) AS joined, (SELECT * FROM notified) AS notified
FROM input AS n
LEFT JOIN created AS own ON own.id = n.id
LEFT JOIN created AS k ON k.workflow_name = n.name AND k.idempotency_key = n.idempotency_key
LEFT JOIN waymark_instances AS i
    ON i.workflow_name = n.name AND i.idempotency_key = n.idempotency_key
WHERE n.idempotency_key IS NOT NULL AND own.id IS NULL
UNION ALL
SELECT NULL, NULL, (SELECT * FROM notified)
ORDER BY 1;

-- name: instance_by_key
-- The instance of workflow $1 holding idempotency key $2, if any.
SELECT id FROM waymark_instances WHERE workflow_name = $1 AND idempotency_key = $2;

-- name: claim_instances
-- Lease up to $2 runnable instances for owner $1 until $3 + $4 (only those whose id is in $5,
-- unless $5 is NULL: `waymark run` runs its own instance only). Highest priority first; at
-- equal priority the workflows take turns (the oldest of each, then the second oldest of
-- each...), so a backlog of one workflow never starves another. The distinct workflows with
-- runnable instances are found by a skip scan of `waymark_instances_runnable`.
-- Returns only the ids leased, with their claim's epoch and workflow; what a step needs is
-- read by `claimed_instances` next, holding no lock. Answered in full, this statement held
-- the rows it leased until the client had read all of it (programs, states, results): a
-- runner frozen (SIGSTOP) while the server sent it a large claim left the session active in
-- `ClientWrite`, out of reach of `idle_in_transaction_session_timeout`, and those instances
-- locked, neither claimable nor reclaimable by any other runner, as long as it stayed frozen.
WITH RECURSIVE workflows (name) AS (
    (SELECT workflow_name FROM waymark_instances
     WHERE lease_owner IS NULL AND wake_at IS NOT NULL
     ORDER BY workflow_name LIMIT 1)
    UNION ALL
    SELECT (SELECT i.workflow_name FROM waymark_instances AS i
            WHERE i.lease_owner IS NULL AND i.wake_at IS NOT NULL AND i.workflow_name > w.name
            ORDER BY i.workflow_name LIMIT 1)
    FROM workflows AS w
    WHERE w.name IS NOT NULL
), candidates AS (
    SELECT c.*
    FROM workflows AS w
    CROSS JOIN LATERAL (
        SELECT i.id, i.priority, i.wake_at,
               row_number() OVER (ORDER BY i.priority DESC, i.wake_at) AS turn
        FROM waymark_instances AS i
        WHERE i.workflow_name = w.name AND i.lease_owner IS NULL
          AND i.wake_at <= to_timestamp($3) AND ($5::uuid[] IS NULL OR i.id = ANY ($5::uuid[]))
        ORDER BY i.priority DESC, i.wake_at
        LIMIT $2
    ) AS c
    WHERE w.name IS NOT NULL
), picked AS (
    SELECT i.id FROM waymark_instances AS i
    WHERE i.id IN (SELECT c.id FROM candidates AS c
                   ORDER BY c.priority DESC, c.turn, c.wake_at LIMIT $2)
      AND i.lease_owner IS NULL AND i.wake_at <= to_timestamp($3)
    FOR UPDATE SKIP LOCKED
)
UPDATE waymark_instances AS i
SET lease_owner = $1,
    lease_expires_at = to_timestamp($3 + $4),
    lease_epoch = i.lease_epoch + 1,
    wake_at = NULL,
    status = CASE WHEN i.status = 'queued' THEN 'running' ELSE i.status END,
    updated_at = to_timestamp($3)
FROM picked
WHERE i.id = picked.id
RETURNING i.id, i.lease_epoch, i.workflow_name;

-- name: claimed_instances
-- What a step needs of instances $1, just leased by owner $2 (`claim_instances`), read in one
-- snapshot and without locks: the program text (unless `version:md5(text)` is in $3, known to
-- the caller: a text re-registered with moved source positions is sent again), the unconsumed
-- attempts (events and pending work), the durable sleeps, and the pending signal waits, each
-- with the oldest unconsumed signal of its name (`signals.sql`); each of these a JSON object
-- read by key (`pg_rows.claim_of`). Sleeps and waits say when and where they began, for the
-- spans of a traced instance. `event_seq` is read in the snapshot the events are read in: an
-- event committed after it bumps `event_seq` past what the claim vouches for, so the release
-- fenced by it does not sleep through that event. An instance no longer leased to $2 (the
-- runner froze past its lease in between) is left out. `next_wake` is `next_wake` at $4, the
-- claim's time (the same in every row, computed once): read here, a claim that leased fewer
-- than it asked for needs no statement more to know when to claim again.
SELECT i.id, i.workflow_name, i.workflow_version, i.inputs, i.state, i.priority,
    i.event_seq, i.lease_epoch, i.trace_parent, i.pins, i.depth, i.parent_id,
    extract(epoch FROM i.deadline_at)::float8 AS deadline,
    (SELECT count(*) FROM waymark_attempts AS a
     WHERE a.instance_id = i.id AND a.child_id IS NOT NULL) AS child_count,
    (SELECT v.wrl FROM waymark_workflow_versions AS v
     WHERE v.name = i.workflow_name AND v.version = i.workflow_version
       AND NOT (v.version || ':' || md5(v.wrl) = ANY ($3::text[]))) AS wrl,
    (SELECT coalesce(json_agg(json_build_object(
                'node', a.node, 'attempt', a.attempt, 'status', a.status, 'action', a.action,
                'args', a.args, 'kwargs', a.kwargs, 'timeout', a.timeout_seconds,
                'ready_at', extract(epoch FROM a.ready_at), 'lost_count', a.lost_count,
                'result', a.result, 'error', a.error, 'site', a.site
            ) ORDER BY a.finished_at, a.created_at), '[]')
     FROM waymark_attempts AS a
     WHERE a.instance_id = i.id AND NOT a.consumed) AS attempts,
    (SELECT coalesce(json_agg(json_build_object('node', t.node,
                                                'wake_at', extract(epoch FROM t.wake_at),
                                                'started_at', extract(epoch FROM t.started_at),
                                                'site', t.site)
                              ORDER BY t.wake_at), '[]')
     FROM waymark_timers AS t
     WHERE t.instance_id = i.id AND t.finished_at IS NULL) AS timers,
    (SELECT coalesce(json_agg(json_build_object('node', w.node, 'name', w.name,
                                                'signal', s.id, 'payload', s.payload,
                                                'started_at', extract(epoch FROM w.created_at),
                                                'site', w.site)), '[]')
     FROM waymark_signal_waits AS w
     LEFT JOIN LATERAL (SELECT g.id, g.payload FROM waymark_signals AS g
                        WHERE g.instance_id = w.instance_id AND g.name = w.name
                          AND g.consumed_at IS NULL
                        ORDER BY g.id LIMIT 1) AS s ON true
     WHERE w.instance_id = i.id AND w.finished_at IS NULL) AS waits,
    (SELECT extract(epoch FROM min(n.wake_at))::float8 FROM waymark_instances AS n
     WHERE n.lease_owner IS NULL AND n.wake_at IS NOT NULL
       AND n.wake_at > to_timestamp($4)) AS next_wake
FROM waymark_instances AS i
WHERE i.id = ANY ($1::uuid[]) AND i.lease_owner = $2;

-- name: commit_instances
-- Persist a batch of steps atomically: instance rows first, fenced by the lease ($1 must still
-- hold it, under the claim of the step's `epoch` when the step names one), then attempts and timers of the instances that passed the fence only. $3 is one
-- JSON document (`CommitBatch`): "s" steps, "o" attempt ops, "n" new attempts, "d" finished
-- sleeps (kept, with `finished_at`), "t" new sleeps, "l" workflow log lines. Leases are extended by heartbeats, not here, so an instance row whose
-- indexed columns do not change is updated in place (HOT).
-- Attempt ops: finish (record a result and consume it), record (record a result, unconsumed:
-- the step kept the stored state, so the result stays an event of the next claim), consume (an
-- event recorded earlier), start (a queued attempt now runs on the owner's workers;
-- `lost_count` sets how many of its tries were lost: a count, not an increment, so a commit
-- applied twice counts each loss once), requeue. A finish marked `abandoned` ends an attempt
-- whose instance finishes without it (it may still run on a worker).
-- A released instance wakes at its `wake_at` unless results arrived meanwhile (`event_seq`);
-- one released due at once is announced on `waymark_runnable` (another runner may take it),
-- and one released due within the poll interval (`announce`) too, its wake-up (epoch seconds)
-- the payload: every runner arms its claim timer there, should the releasing runner die.
-- `commit_instances_lean` is this statement without its optional part, for a batch with no
-- child calls, sleeps or log lines: PostgreSQL then plans and runs a third fewer parts.
WITH doc AS MATERIALIZED (
    -- The document's parts, read once: `$3::json -> 's'` would parse all of it again for
    -- each part, and with a large argument or state that parsing was most of the commit.
    SELECT key, value FROM json_each($3::json)
), step AS (
    SELECT * FROM json_to_recordset((SELECT value FROM doc WHERE key = 's')) AS s (
        id uuid, state json, status text, result json, error json, release boolean,
        wake_at double precision, seq bigint, epoch bigint, announce boolean)
), flow_locks AS MATERIALIZED (
    -- The advisory locks of the workflow concurrency keys this commit may admit in (of the
    -- instances it ends, of the children it starts), taken before any row (migration 0024);
    -- while no workflow is limited, not even a function call.
    SELECT CASE WHEN EXISTS (SELECT 1 FROM waymark_workflow_concurrency)
                THEN waymark_flow_lock(waymark_flow_batch_keys($3::json)) ELSE 0 END AS taken
), mine AS MATERIALIZED (
    -- The rows written below, locked first in the order of their ids, as a heartbeat locks
    -- them (`heartbeat`): the update takes a row only once this has locked it and every row
    -- of a lower id, whichever plan PostgreSQL picks for it (the order the steps are sent in
    -- held only while the update was driven from their list, not for every size of batch).
    SELECT i.id FROM waymark_instances AS i
    WHERE i.id IN (SELECT id FROM step) AND i.lease_owner = $1
      AND (SELECT taken FROM flow_locks) >= 0  -- evaluated once, before the first row
    ORDER BY i.id FOR NO KEY UPDATE
), kept AS (
    UPDATE waymark_instances AS i
    SET state = coalesce(s.state, i.state),
        status = coalesce(s.status, i.status),
        result = CASE WHEN s.status IS NULL THEN i.result ELSE s.result END,
        error = CASE WHEN s.status IS NULL THEN i.error ELSE s.error END,
        finished_at = CASE WHEN s.status IN ('completed', 'failed')
                           THEN to_timestamp($2) ELSE i.finished_at END,
        lease_owner = CASE WHEN s.release OR s.status IN ('completed', 'failed')
                           THEN NULL ELSE i.lease_owner END,
        lease_expires_at = CASE WHEN s.release OR s.status IN ('completed', 'failed')
                                THEN NULL ELSE i.lease_expires_at END,
        wake_at = CASE WHEN NOT s.release OR s.status IN ('completed', 'failed') THEN NULL
                       WHEN s.seq IS NOT NULL AND i.event_seq <> s.seq THEN to_timestamp($2)
                       ELSE least(to_timestamp(s.wake_at), i.deadline_at) END,
        updated_at = to_timestamp($2)
    FROM step AS s JOIN mine AS m ON m.id = s.id
    WHERE i.id = s.id AND i.lease_owner = $1 AND (s.epoch IS NULL OR i.lease_epoch = s.epoch)
    RETURNING i.id, i.status, i.result, i.error,
              i.lease_owner IS NULL AND i.wake_at <= to_timestamp($2) AS woken,
              CASE WHEN s.announce AND i.lease_owner IS NULL THEN i.wake_at END AS announced
), attempt_ops AS (
    UPDATE waymark_attempts AS a
    SET status = CASE WHEN o.op IN ('finish', 'record') THEN o.status
                      WHEN o.op = 'start' THEN 'running'
                      WHEN o.op = 'requeue' THEN 'queued' ELSE a.status END,
        result = CASE WHEN o.op IN ('finish', 'record') AND o.status = 'completed'
                      THEN o.value ELSE a.result END,
        error = CASE WHEN o.op IN ('finish', 'record') AND o.status = 'failed'
                     THEN o.value ELSE a.error END,
        traceback = CASE WHEN o.op IN ('finish', 'record') THEN o.traceback
                         ELSE a.traceback END,
        consumed = o.op IN ('finish', 'consume'),
        lost_count = coalesce(o.lost_count, a.lost_count),
        lease_owner = CASE WHEN o.op = 'requeue' THEN NULL
                           WHEN o.op = 'start' THEN $1 ELSE a.lease_owner END,
        ready_at = CASE WHEN o.op = 'requeue' THEN to_timestamp($2) ELSE a.ready_at END,
        -- the runner's clock (docs/runtime.md, "Admin API"): started when a commit or a grant
        -- marked it running, else when the runner sent it (`o.started`: it ended first);
        -- finished when the runner took its reply (`o.at`, else the commit), never before
        started_at = CASE WHEN o.op = 'start' THEN to_timestamp(coalesce(o.at, $2))
                          WHEN o.op IN ('finish', 'record')
                          THEN coalesce(a.started_at, to_timestamp(o.started))
                          ELSE a.started_at END,
        finished_at = CASE WHEN o.op IN ('finish', 'record')
                           THEN greatest(to_timestamp(coalesce(o.at, $2)), a.started_at)
                           ELSE a.finished_at END,
        -- ended while it still runs (its instance finished without it): a worker may execute
        -- it until the lease lapses, so it keeps its slot till then, as `cancel_instance` does
        -- (the lease as it was before this statement: its snapshot)
        slot_until = CASE WHEN o.abandoned AND a.status = 'running' AND a.gated
                          THEN (SELECT h.lease_expires_at FROM waymark_instances AS h
                                WHERE h.id = a.instance_id)
                          ELSE a.slot_until END
    FROM json_to_recordset((SELECT value FROM doc WHERE key = 'o')) AS o (
        instance_id uuid, node text, attempt integer, op text, status text, value json,
        lost_count integer, traceback json, started double precision, at double precision,
        abandoned boolean)
    WHERE a.instance_id = o.instance_id AND a.node = o.node AND a.attempt = o.attempt
      AND o.instance_id IN (SELECT id FROM kept)
    RETURNING 1
), attempts_added AS (
    INSERT INTO waymark_attempts
        (instance_id, node, attempt, action, args, kwargs, timeout_seconds, status, ready_at,
         lease_owner, started_at, created_at, site, iteration)
    SELECT n.instance_id, n.node, n.attempt, n.action, n.args, n.kwargs, n.timeout,
           CASE WHEN n.running THEN 'running' ELSE 'queued' END,
           to_timestamp(n.ready_at), $1,
           CASE WHEN n.running THEN to_timestamp($2) END, to_timestamp($2), n.site, n.iteration
    FROM json_to_recordset((SELECT value FROM doc WHERE key = 'n')) AS n (
        instance_id uuid, node text, attempt integer, action text, args json, kwargs json,
        timeout double precision, ready_at double precision, running boolean, site text,
        iteration json)
    WHERE n.instance_id IN (SELECT id FROM kept)
    ON CONFLICT (instance_id, node, attempt) DO NOTHING
    RETURNING 1
),
-- optional, else: children_added AS (SELECT 1 WHERE false)
children_added AS (
    -- Child instances started by the steps (`c`): pinned to the parent's version of their
    -- workflow, else to its latest registered one, which joins the pins of their subtree.
    INSERT INTO waymark_instances
        (id, workflow_name, workflow_version, inputs, priority, wake_at, created_at, updated_at,
         parent_id, parent_node, blocking, depth, pins)
    SELECT c.child, c.workflow, v.version, c.inputs, p.priority, to_timestamp($2),
           to_timestamp($2), to_timestamp($2), c.instance_id, c.node, c.blocking, p.depth + 1,
           (coalesce(p.pins::jsonb, '{}') || jsonb_build_object(c.workflow, v.version))::json
    FROM json_to_recordset((SELECT value FROM doc WHERE key = 'c')) AS c (
        instance_id uuid, node text, child uuid, workflow text, inputs json, blocking boolean)
    JOIN waymark_instances AS p ON p.id = c.instance_id
    CROSS JOIN LATERAL (
        SELECT coalesce(p.pins ->> c.workflow,
                        (SELECT w.version FROM waymark_workflow_versions AS w
                         WHERE w.name = c.workflow ORDER BY w.created_at DESC, w.version
                         LIMIT 1)) AS version) AS v
    WHERE c.child IS NOT NULL AND c.instance_id IN (SELECT id FROM kept)
    ON CONFLICT (id) DO NOTHING
    RETURNING 1
), child_attempts AS (
    -- The parent's side of each child call: `waiting` for a blocking child, else finished now
    -- (a detached child's id, or why the call was refused). It starts with the commit.
    INSERT INTO waymark_attempts
        (instance_id, node, attempt, action, args, kwargs, status, child_id, result, error,
         ready_at, created_at, started_at, finished_at, site, iteration)
    SELECT c.instance_id, c.node, 1, c.workflow, '[]', c.inputs, c.status, c.child,
           CASE WHEN c.status = 'completed' THEN c.value END,
           CASE WHEN c.status = 'failed' THEN c.value END,
           to_timestamp($2), to_timestamp($2), to_timestamp($2),
           CASE WHEN c.status <> 'waiting' THEN to_timestamp($2) END, c.site, c.iteration
    FROM json_to_recordset((SELECT value FROM doc WHERE key = 'c')) AS c (
        instance_id uuid, node text, child uuid, workflow text, inputs json, status text,
        value json, site text, iteration json)
    WHERE c.instance_id IN (SELECT id FROM kept)
    ON CONFLICT (instance_id, node, attempt) DO NOTHING
    RETURNING 1
), timers_done AS (
    UPDATE waymark_timers AS t
    SET finished_at = to_timestamp($2)
    FROM json_to_recordset((SELECT value FROM doc WHERE key = 'd'))
        AS d (instance_id uuid, node text)
    WHERE t.instance_id = d.instance_id AND t.node = d.node AND t.finished_at IS NULL
      AND d.instance_id IN (SELECT id FROM kept)
    RETURNING 1
), timers_added AS (
    INSERT INTO waymark_timers (instance_id, node, wake_at, site, iteration, started_at)
    SELECT n.instance_id, n.node, to_timestamp(n.wake_at), n.site, n.iteration, to_timestamp($2)
    FROM json_to_recordset((SELECT value FROM doc WHERE key = 't'))
        AS n (instance_id uuid, node text, wake_at double precision, site text, iteration json)
    WHERE n.instance_id IN (SELECT id FROM kept)
    ON CONFLICT (instance_id, node) DO UPDATE
        SET wake_at = excluded.wake_at, site = excluded.site, iteration = excluded.iteration,
            started_at = excluded.started_at, finished_at = NULL
    RETURNING 1
), logs_added AS (
    -- The workflow log lines the steps wrote (`l`); a line already recorded is kept as it is.
    INSERT INTO waymark_workflow_logs
        (instance_id, seq, level, message, function, line, created_at)
    SELECT l.instance_id, l.seq, l.level, l.message, l.function, l.line, to_timestamp($2)
    FROM json_to_recordset((SELECT value FROM doc WHERE key = 'l')) AS l (
        instance_id uuid, seq integer, level text, message text, function text, line integer)
    WHERE l.instance_id IN (SELECT id FROM kept)
    ON CONFLICT (instance_id, seq) DO NOTHING
    RETURNING 1
)
-- end optional
SELECT k.id,
       (SELECT pg_notify('waymark_runnable', '')::text WHERE EXISTS
            (SELECT 1 FROM children_added) OR EXISTS (SELECT 1 FROM kept WHERE woken)) AS started,
       (SELECT pg_notify('waymark_runnable', extract(epoch FROM min(announced))::text)
        FROM kept HAVING min(announced) IS NOT NULL)::text AS announced,
       CASE WHEN k.status IN ('completed', 'failed') THEN pg_notify('waymark_done',
           CASE WHEN octet_length(p.payload) < 7900 THEN p.payload
                ELSE json_build_object('id', k.id)::text END)::text END AS notified
FROM kept AS k,
     LATERAL (SELECT json_build_object('id', k.id, 'status', k.status, 'result', k.result,
                                       'error', k.error)::text AS payload) AS p;

-- name: next_wake
-- The earliest time after $1 at which an instance no runner holds falls due (NULL: none);
-- what is due at $1 already is the claim's. One probe of `waymark_instances_wake`.
SELECT extract(epoch FROM min(wake_at))::float8 AS wake_at FROM waymark_instances
WHERE lease_owner IS NULL AND wake_at IS NOT NULL AND wake_at > to_timestamp($1);

-- name: heartbeat
-- Extend every lease owner $1 holds; returns the instances it still holds, with the epoch of
-- the claim that holds each (a runner that claimed an instance again holds the newer claim).
-- The runner's row (`register_runner`) records the heartbeat in the same statement.
-- The rows are locked in the order of their ids, as a grant locks them and a commit writes
-- them (`CommitBatch.params`): locked in the order of a scan, a heartbeat and a group commit
-- of the same runner in flight at once waited on each other until PostgreSQL aborted one,
-- or a third statement waiting on one of their rows (a client's cancel).
WITH beat AS (
    UPDATE waymark_runners SET heartbeat_at = to_timestamp($2) WHERE id = $1
), mine AS (
    SELECT id FROM waymark_instances WHERE lease_owner = $1 ORDER BY id FOR NO KEY UPDATE
)
UPDATE waymark_instances AS i
SET lease_expires_at = to_timestamp($2::double precision + $3::double precision)
FROM mine
WHERE i.id = mine.id AND i.lease_owner = $1
RETURNING i.id, i.lease_epoch;

-- name: register_runner
-- Runner $1 (on host $2, process $3, with $4 worker processes) starts at $5; rows of runners
-- silent for a day (they died without unregistering) go.
WITH gone AS (
    DELETE FROM waymark_runners WHERE heartbeat_at < to_timestamp($5) - interval '1 day'
)
INSERT INTO waymark_runners (id, host, pid, worker_count, started_at, heartbeat_at)
VALUES ($1, $2, $3, $4, to_timestamp($5), to_timestamp($5))
ON CONFLICT (id) DO UPDATE
    SET host = excluded.host, pid = excluded.pid, worker_count = excluded.worker_count,
        started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at;

-- name: unregister_runner
-- Runner $1 stopped.
DELETE FROM waymark_runners WHERE id = $1;

-- name: list_runners
-- Every registered runner, most recently started first, with how many instances it holds.
SELECT r.id, r.host, r.pid, r.worker_count,
       extract(epoch FROM r.started_at)::double precision AS started_at,
       extract(epoch FROM r.heartbeat_at)::double precision AS heartbeat_at,
       (SELECT count(*) FROM waymark_instances AS i WHERE i.lease_owner = r.id) AS instances
FROM waymark_runners AS r
ORDER BY r.started_at DESC, r.id;

-- name: reclaim_expired_instances
-- Release up to $2 instance leases that expired before $1, except those of $5 (the caller:
-- a live runner extends its own leases once the database is back, it does not drop them).
-- Attempts their owner was running were orphaned with it (it died or froze, not the attempt):
-- re-queue them, `lost_count` untouched, or fail them with $4 once orphaned more than $3 times
-- (`WAYMARK_ORPHANED_ATTEMPT_RETRIES`: an action that kills its own runner). Returns the actions
-- of the attempts it failed, for the reclaiming runner's metrics.
WITH expired AS (
    SELECT id, lease_owner FROM waymark_instances
    WHERE lease_owner IS NOT NULL AND lease_expires_at < to_timestamp($1)
      AND lease_owner <> $5
    ORDER BY lease_expires_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), released AS (
    UPDATE waymark_instances AS i
    SET lease_owner = NULL, lease_expires_at = NULL, wake_at = to_timestamp($1),
        updated_at = to_timestamp($1)
    FROM expired AS e
    WHERE i.id = e.id
    RETURNING i.id
), orphaned AS (
    UPDATE waymark_attempts AS a
    SET orphaned_count = a.orphaned_count + 1,
        status = CASE WHEN a.orphaned_count + 1 > $3 THEN 'failed' ELSE 'queued' END,
        error = CASE WHEN a.orphaned_count + 1 > $3 THEN $4::json END,
        finished_at = CASE WHEN a.orphaned_count + 1 > $3 THEN to_timestamp($1) END,
        lease_owner = NULL,
        ready_at = to_timestamp($1)
    FROM expired AS e
    WHERE a.instance_id = e.id AND a.status = 'running' AND a.lease_expires_at IS NULL
      AND a.lease_owner = e.lease_owner
    RETURNING a.action, a.status
)
SELECT r.instances, (SELECT count(*) FROM orphaned) AS attempts,
       ARRAY(SELECT action FROM orphaned WHERE status = 'failed') AS failed,
       CASE WHEN r.instances > 0 THEN pg_notify('waymark_runnable', '')::text END
FROM (SELECT count(*) AS instances FROM released) AS r;

-- name: next_lease_lapse
-- When the next lease of another owner than $2 lapses, at $1 or later (NULL: none is held):
-- the lease reclaimer sleeps until then. From the front of `waymark_instances_leased`.
SELECT extract(epoch FROM min(lease_expires_at))::float8 AS lapse FROM waymark_instances
WHERE lease_owner IS NOT NULL AND lease_owner <> $2 AND lease_expires_at >= to_timestamp($1);

-- name: instance_outcomes
-- Status, result and error of the given instances.
SELECT id, status, result, error FROM waymark_instances WHERE id = ANY ($1::uuid[]);

-- name: instance_status
-- Everything a person inspecting one instance wants to see.
SELECT id, workflow_name, workflow_version, status, priority, inputs, result, error,
       lease_owner, extract(epoch FROM lease_expires_at)::double precision AS lease_expires_at,
       extract(epoch FROM wake_at)::double precision AS wake_at,
       extract(epoch FROM created_at)::double precision AS created_at,
       extract(epoch FROM updated_at)::double precision AS updated_at,
       extract(epoch FROM finished_at)::double precision AS finished_at,
       parent_id::text AS parent_id, parent_node, blocking, depth
FROM waymark_instances WHERE id = $1;

-- name: collect_garbage
-- Delete up to $3 instances that finished before $1 - $2 (attempts and timers cascade).
WITH doomed AS (
    SELECT id FROM waymark_instances
    WHERE finished_at < to_timestamp($1::double precision - $2::double precision)
    ORDER BY finished_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
DELETE FROM waymark_instances AS i
USING doomed
WHERE i.id = doomed.id
RETURNING i.id;

-- name: migrations_lock
-- Serialise migrating processes; the key is a constant shared by every Waymark process.
SELECT pg_advisory_lock(1470053932);

-- name: migrations_unlock
SELECT pg_advisory_unlock(1470053932);

-- name: migrations_table
CREATE TABLE IF NOT EXISTS waymark_migrations (
    number integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- name: migrations_applied
SELECT number FROM waymark_migrations;

-- name: migration_record
INSERT INTO waymark_migrations (number, name) VALUES ($1, $2);

-- Inspection and the CLI (`waymark run`, `waymark instances`, `waymark graph --instance`) -----

-- name: instance_attempts
-- Every attempt of instance $1, consumed or not, in the order the instance dispatched them.
SELECT node, attempt, action, args, kwargs, status, result, error, lost_count, orphaned_count,
       timeout_seconds, site, iteration,
       extract(epoch FROM ready_at)::double precision AS ready_at,
       extract(epoch FROM created_at)::double precision AS created_at,
       extract(epoch FROM started_at)::double precision AS started_at,
       extract(epoch FROM finished_at)::double precision AS finished_at,
       traceback
FROM waymark_attempts
WHERE instance_id = $1
ORDER BY length(node), node, attempt;

-- name: instance_timers
-- The durable sleeps of instance $1, pending and finished, with when each began (NULL for
-- sleeps begun before `started_at` was kept) and ends (or ended).
SELECT node, extract(epoch FROM wake_at)::double precision AS wake_at, site, iteration,
       extract(epoch FROM finished_at)::double precision AS finished_at,
       extract(epoch FROM started_at)::double precision AS started_at
FROM waymark_timers
WHERE instance_id = $1
ORDER BY wake_at, length(node), node;

-- name: instance_logs
-- The newest $2 lines of instance $1's workflow log, oldest first.
SELECT seq, level, message, function, line, created_at
FROM (SELECT seq, level, message, function, line,
             extract(epoch FROM created_at)::double precision AS created_at
      FROM waymark_workflow_logs
      WHERE instance_id = $1
      ORDER BY seq DESC
      LIMIT $2) AS newest
ORDER BY seq;

-- name: instance_program
-- The .wrl text of workflow $1 at version $2.
SELECT wrl FROM waymark_workflow_versions WHERE name = $1 AND version = $2;

-- name: registered_workflows
-- Which of the workflow names $1 have a registered version.
SELECT DISTINCT name FROM waymark_workflow_versions WHERE name = ANY($1::text[]);

-- name: latest_version
-- The most recently registered version of workflow $1, with its .wrl text.
SELECT version, wrl FROM waymark_workflow_versions
WHERE name = $1
ORDER BY created_at DESC, version
LIMIT 1;

-- name: list_instances
-- Up to $5 instances, newest first (`created_at`, then `id`, both descending): of status $1 and
-- workflow $2 (NULL for any), created in [$3, $4) (NULL for no bound), after the keyset position
-- of the previous page's last row ($6 microseconds since the epoch, $7 id; NULL for the first),
-- the children of $8 only (NULL for any), whose id or stored inputs, result or error contain $9
-- (lower case; NULL for any).
SELECT i.id, i.workflow_name, i.workflow_version, i.status, i.priority,
       extract(epoch FROM i.created_at)::double precision AS created_at,
       extract(epoch FROM i.updated_at)::double precision AS updated_at,
       extract(epoch FROM i.finished_at)::double precision AS finished_at,
       (extract(epoch FROM i.created_at) * 1000000)::bigint AS created_us,
       (SELECT count(*) FROM waymark_attempts AS a WHERE a.instance_id = i.id) AS attempts
FROM waymark_instances AS i
WHERE ($1::text IS NULL OR i.status = $1)
  AND ($2::text IS NULL OR i.workflow_name = $2)
  AND ($3::double precision IS NULL OR i.created_at >= to_timestamp($3))
  AND ($4::double precision IS NULL OR i.created_at < to_timestamp($4))
  AND ($6::bigint IS NULL
       OR (i.created_at, i.id) < (timestamptz 'epoch' + $6 * interval '1 microsecond', $7::uuid))
  AND ($8::uuid IS NULL OR i.parent_id = $8)
  AND ($9::text IS NULL
       OR strpos(i.id::text, $9) > 0
       OR strpos(lower(i.inputs::text), $9) > 0
       OR strpos(lower(coalesce(i.result::text, '')), $9) > 0
       OR strpos(lower(coalesce(i.error::text, '')), $9) > 0)
ORDER BY i.created_at DESC, i.id DESC
LIMIT $5;

-- name: cancel_instance
-- End unfinished instance $1 with status $4 (`cancelled`, or `failed` past its deadline) and
-- error $3 at $2: its lease is dropped (the holding
-- runner's next commit or heartbeat fails the lease fence, so it lets the instance go), and
-- waiters are notified; its open attempts and sleeps end in the next statement (`end_open_work`,
-- with the lease's expiry this returns). Returns no row when the instance is unknown or already
-- finished.
WITH target AS (
    SELECT id, lease_expires_at FROM waymark_instances
    WHERE id = $1 AND finished_at IS NULL FOR NO KEY UPDATE  -- `lock_families`' own lock
), cancelled AS (
    UPDATE waymark_instances AS i
    SET status = $4, result = NULL, error = $3::json, finished_at = to_timestamp($2),
        lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL,
        updated_at = to_timestamp($2)
    FROM target
    WHERE i.id = target.id
    RETURNING i.id, i.status, i.error, target.lease_expires_at
)
SELECT c.id, c.lease_expires_at,
       pg_notify('waymark_done', json_build_object('id', c.id, 'status', c.status,
                                                   'result', NULL, 'error', c.error)::text),
       pg_notify('waymark_ended', c.id::text)  -- its runner stops its attempts at once
FROM cancelled AS c;

-- name: end_open_work
-- Instances $1 were just ended (at $2, with error $3; $4 each one's lease expiry before): their
-- open attempts fail and their pending sleeps are deleted. An attempt that ran through the gate
-- keeps its slot until that expiry (`slot_until`): its worker may execute it until then. A
-- statement of its own, after the one that ended the instances in the same transaction: its
-- snapshot is taken once their rows are locked, so it sees every attempt and sleep their
-- runners' commits wrote before. Within that one statement, whose snapshot predates its wait
-- for the row lock a commit in flight held, the attempts and sleeps that commit inserted were
-- invisible and stayed `queued` or `running` for ever.
WITH ended AS (
    SELECT * FROM unnest($1::uuid[], $4::timestamptz[]) AS e (id, lease_expires_at)
), open_attempts AS (
    UPDATE waymark_attempts AS a
    SET status = 'failed', error = $3::json, consumed = true, finished_at = to_timestamp($2),
        lease_owner = NULL, lease_expires_at = NULL,
        slot_until = CASE WHEN a.status = 'running' AND a.gated THEN e.lease_expires_at END
    FROM ended AS e
    WHERE a.instance_id = e.id AND a.status IN ('queued', 'running', 'waiting')
    RETURNING 1
), sleeps AS (
    DELETE FROM waymark_timers AS t USING ended AS e
    WHERE t.instance_id = e.id AND t.finished_at IS NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM open_attempts) AS attempts, (SELECT count(*) FROM sleeps) AS sleeps;

-- name: queue_stats
-- What `start-workers` reports as metrics: instances by status, and how many are runnable at
-- $1 (unleased, due) with the wait of the longest waiting one, in seconds.
SELECT
    (SELECT coalesce(json_object_agg(status, n), '{}')
     FROM (SELECT status, count(*) AS n FROM waymark_instances GROUP BY status) AS s) AS by_status,
    count(*) AS runnable,
    extract(epoch FROM to_timestamp($1) - min(wake_at))::double precision AS oldest
FROM waymark_instances
WHERE lease_owner IS NULL AND wake_at IS NOT NULL AND wake_at <= to_timestamp($1);
