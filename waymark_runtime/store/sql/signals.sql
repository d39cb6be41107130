-- Signals (migration 0012): sending one, the signal side of a group commit, and inspection.
-- Loaded with `queries.sql` (`sql.queries`). The claim (`claim_instances`) returns each
-- pending wait of an instance with the oldest unconsumed signal of its name.

-- name: lock_instance
-- Lock instance $1's row until the transaction ends (`send_signal` runs after it: see there).
SELECT 1 FROM waymark_instances WHERE id = $1 FOR NO KEY UPDATE;

-- name: send_signal
-- Keep signal $2 with payload $3 (JSON) and send id $5 for unfinished instance $1 at $4, and
-- wake it as for any event recorded by another process: `event_seq` bumped (a runner holding
-- it sees the bump when it lets it go), and runnable now when unleased with a pending wait of
-- that name. A send id the instance kept already is this send made again (its first answer
-- was lost with the connection, or the caller sends again with its own id): nothing is stored
-- or woken a second time. `kept` is false when the instance is unknown, or finished without
-- this send; `same` is NULL for a new send, else whether the kept one has this name and payload.
-- Run after `lock_instance` in the same transaction: a subquery reads its statement's snapshot,
-- so without the lock taken first, a commit that adds the wait and lets the instance go while
-- this statement waits for the row would be invisible to the test of pending waits below, and
-- that commit cannot see this signal either (not yet sent): the instance would sleep until the
-- wait's timeout.
WITH target AS (
    SELECT id FROM waymark_instances WHERE id = $1 AND finished_at IS NULL FOR NO KEY UPDATE
), sent AS (
    INSERT INTO waymark_signals (instance_id, name, payload, sent_at, send_id)
    SELECT target.id, $2, coalesce($3::json, 'null'::json), to_timestamp($4), $5 FROM target
    ON CONFLICT (instance_id, send_id) DO NOTHING
    RETURNING id
), woken AS (
    UPDATE waymark_instances AS i
    SET event_seq = i.event_seq + 1,
        wake_at = CASE WHEN i.lease_owner IS NULL AND EXISTS (
                           SELECT 1 FROM waymark_signal_waits AS w
                           WHERE w.instance_id = i.id AND w.name = $2 AND w.finished_at IS NULL)
                       THEN to_timestamp($4) ELSE i.wake_at END,
        updated_at = to_timestamp($4)
    FROM target
    WHERE i.id = target.id AND EXISTS (SELECT 1 FROM sent)
    RETURNING i.wake_at = to_timestamp($4) AS runnable
), earlier AS (
    SELECT g.name = $2 AND g.payload::jsonb = coalesce($3::jsonb, 'null'::jsonb) AS same
    FROM waymark_signals AS g WHERE g.instance_id = $1 AND g.send_id = $5
)
SELECT EXISTS (SELECT 1 FROM sent) OR EXISTS (SELECT 1 FROM earlier) AS kept,
       (SELECT same FROM earlier) AS same,
       (SELECT pg_notify('waymark_runnable', '')::text FROM woken WHERE runnable) AS notified;

-- name: commit_signals
-- The signal rows of a group commit, in its transaction, for the instances $1 that passed its
-- lease fence, at $2. $3 is the `CommitBatch.signal_rows` document: "w" new waits, "g"
-- signals consumed (by the wait `node`), "e" waits ended (a signal arrived or the timeout
-- passed). An instance released while a signal its new wait wants is already there is
-- runnable at once (the signal was sent before the wait existed).
WITH ended AS (
    UPDATE waymark_signal_waits AS w
    SET finished_at = to_timestamp($2)
    FROM json_to_recordset($3::json -> 'e') AS e (instance_id uuid, node text)
    WHERE w.instance_id = e.instance_id AND w.node = e.node AND w.finished_at IS NULL
      AND e.instance_id = ANY ($1::uuid[])
    RETURNING 1
), consumed AS (
    UPDATE waymark_signals AS g
    SET consumed_at = to_timestamp($2), node = c.node
    FROM json_to_recordset($3::json -> 'g') AS c (instance_id uuid, node text, signal bigint)
    WHERE g.id = c.signal AND g.instance_id = c.instance_id AND g.consumed_at IS NULL
      AND c.instance_id = ANY ($1::uuid[])
    RETURNING 1
), added AS (
    INSERT INTO waymark_signal_waits (instance_id, node, name, site, iteration, created_at)
    SELECT n.instance_id, n.node, n.name, n.site, n.iteration, to_timestamp($2)
    FROM json_to_recordset($3::json -> 'w')
        AS n (instance_id uuid, node text, name text, site text, iteration json)
    WHERE n.instance_id = ANY ($1::uuid[])
    ON CONFLICT (instance_id, node) DO NOTHING
    RETURNING instance_id, name
), ready AS (
    UPDATE waymark_instances AS i
    SET wake_at = to_timestamp($2)
    FROM (SELECT DISTINCT a.instance_id FROM added AS a
          WHERE EXISTS (SELECT 1 FROM waymark_signals AS g
                        WHERE g.instance_id = a.instance_id AND g.name = a.name
                          AND g.consumed_at IS NULL)) AS r
    WHERE i.id = r.instance_id AND i.lease_owner IS NULL AND i.finished_at IS NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM ended) AS ended, (SELECT count(*) FROM consumed) AS consumed,
       (SELECT count(*) FROM ready) AS woken,
       (SELECT pg_notify('waymark_runnable', '')::text WHERE EXISTS (SELECT 1 FROM ready));

-- name: instance_signals
-- The waits of instance $1 and the signals sent to it, oldest first: `kind` is `wait` or
-- `signal`; `at` is when the wait started or the signal was sent, `done` when the wait ended
-- (at the latest when the instance finished: a cancel drops its wait) or the signal was
-- consumed (by the wait `node`).
SELECT kind, node, name, payload, site, iteration, at, done FROM (
    SELECT 'wait' AS kind, w.node, w.name, NULL::json AS payload, w.site, w.iteration,
           extract(epoch FROM w.created_at)::double precision AS at,
           extract(epoch FROM coalesce(w.finished_at, i.finished_at))::double precision AS done,
           0::bigint AS seq
    FROM waymark_signal_waits AS w JOIN waymark_instances AS i ON i.id = w.instance_id
    WHERE w.instance_id = $1
    UNION ALL
    SELECT 'signal', g.node, g.name, g.payload, NULL, NULL,
           extract(epoch FROM g.sent_at)::double precision,
           extract(epoch FROM g.consumed_at)::double precision, g.id
    FROM waymark_signals AS g WHERE g.instance_id = $1
) AS rows
ORDER BY at, seq;
