-- Child workflows: what happens around an instance that finished, in the transaction that
-- finished it (a completion commit, or a cancel). Loaded with `queries.sql` (`sql.queries`).

-- name: lock_families
-- Lock instances $1, and of instances $2 (that may end in this transaction) each one's parent
-- and unfinished blocking descendants, in the order of their ids, before anything is written:
-- ending an instance writes its parent (its outcome, `settle_children`) and its descendants
-- (cancelled), so a cancel or a commit that locked its own rows first and those after met
-- the commit of a child ending at once, which did the same from the other side (the cancel
-- held the parent and wanted the child, the child's commit held the child and wanted the
-- parent) until PostgreSQL's deadlock detection aborted one of them. Returns each row locked,
-- and whether it is a descendant (`below`). The statement's snapshot predates its waits: a
-- child a commit of a family member started while it waited is not in it, so the caller reads
-- the family again with `lock_families_lean` (no locks) and, when it grew, rolls back to a
-- savepoint taken before (which lets these locks go) and locks it whole again (`pg_family`).
-- Before any row, the advisory locks of the workflow concurrency keys the transaction may admit
-- in (migration 0024): those of instances $2 and their descendants (which it may end; the
-- waiting instances it locks are among them), and those of the group commit document $3 (NULL
-- for a cancel) it writes next (`waymark_flow_batch_keys`).
WITH RECURSIVE below AS (
    SELECT c.id FROM waymark_instances AS c
    WHERE c.parent_id = ANY ($2::uuid[]) AND c.blocking AND c.finished_at IS NULL
    UNION
    SELECT c.id FROM waymark_instances AS c JOIN below AS b ON c.parent_id = b.id
    WHERE c.blocking AND c.finished_at IS NULL
), family AS (
    SELECT unnest($1::uuid[] || $2::uuid[]) AS id
    UNION
    SELECT parent_id FROM waymark_instances WHERE id = ANY ($2::uuid[]) AND parent_id IS NOT NULL
    UNION
    SELECT id FROM below
), flow_locks AS MATERIALIZED (
    SELECT waymark_flow_lock(array(
        SELECT f.flow_key FROM waymark_instances AS f
        WHERE (f.id = ANY ($2::uuid[]) OR f.id IN (SELECT id FROM below))
          AND f.flow_key IS NOT NULL AND f.finished_at IS NULL
    ) || waymark_flow_batch_keys($3::json)) AS taken
)
SELECT i.id, i.id IN (SELECT id FROM below) AS below FROM waymark_instances AS i
WHERE i.id IN (SELECT id FROM family)
-- optional, else: ;
    AND (SELECT taken FROM flow_locks) >= 0  -- before the first row is locked
ORDER BY i.id
FOR NO KEY UPDATE OF i;
-- end optional

-- name: settle_children
-- Instances $1 just finished (at $2). A blocking child's outcome becomes the result of its
-- parent's waiting attempt, and the parent wakes as for any event recorded by another process
-- (`event_seq` bumped; runnable now unless a runner holds it, whose release then sees the bump).
-- Every unfinished blocking descendant of them is cancelled with error $3 (detached children
-- live on); their open work ends in the next statement (`end_open_work`), and descendants a
-- commit made while this one waited for its row locks in the statement after that (the caller
-- settles the cancelled ones in turn until none is left). Returns the cancelled descendants,
-- with their lease expiry before.
WITH RECURSIVE finished AS (
    SELECT id, status, result, error, parent_id, parent_node FROM waymark_instances
    WHERE id = ANY ($1::uuid[]) AND finished_at IS NOT NULL
), doomed AS (
    SELECT c.id, c.lease_expires_at FROM waymark_instances AS c
    WHERE c.parent_id IN (SELECT id FROM finished) AND c.blocking AND c.finished_at IS NULL
    UNION
    SELECT c.id, c.lease_expires_at FROM waymark_instances AS c JOIN doomed AS d ON c.parent_id = d.id
    WHERE c.blocking AND c.finished_at IS NULL
), reported AS (
    UPDATE waymark_attempts AS a
    SET status = CASE WHEN f.status = 'completed' THEN 'completed' ELSE 'failed' END,
        result = f.result, error = f.error, finished_at = to_timestamp($2)
    FROM finished AS f
    WHERE a.instance_id = f.parent_id AND a.node = f.parent_node AND a.attempt = 1
      AND a.child_id = f.id AND a.status = 'waiting'
      AND f.parent_id NOT IN (SELECT id FROM doomed)
    RETURNING a.instance_id
), woken AS (
    UPDATE waymark_instances AS p
    SET event_seq = p.event_seq + 1,
        wake_at = CASE WHEN p.lease_owner IS NULL THEN to_timestamp($2) ELSE p.wake_at END,
        updated_at = to_timestamp($2)
    FROM (SELECT DISTINCT instance_id FROM reported) AS r
    WHERE p.id = r.instance_id AND p.finished_at IS NULL
    RETURNING 1
), cancelled AS (
    UPDATE waymark_instances AS i
    SET status = 'cancelled', result = NULL, error = $3::json, finished_at = to_timestamp($2),
        lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL,
        updated_at = to_timestamp($2)
    FROM doomed AS d
    WHERE i.id = d.id AND i.finished_at IS NULL
    RETURNING i.id, i.status, i.error, d.lease_expires_at
)
SELECT c.id, c.lease_expires_at, (SELECT count(*) FROM woken) AS woken,
       pg_notify('waymark_done', json_build_object('id', c.id, 'status', c.status,
                                                   'result', NULL, 'error', c.error)::text)::text,
       pg_notify('waymark_ended', c.id::text)::text  -- its runner stops its attempts at once
FROM cancelled AS c
UNION ALL
SELECT NULL, NULL, (SELECT count(*) FROM woken),
       CASE WHEN (SELECT count(*) FROM woken) > 0 THEN pg_notify('waymark_runnable', '')::text END,
       NULL;

-- name: instance_tree
-- Instances $1 and every instance they started as children, theirs, and so on.
WITH RECURSIVE tree AS (
    SELECT id FROM waymark_instances WHERE id = ANY ($1::uuid[])
    UNION
    SELECT c.id FROM waymark_instances AS c JOIN tree AS t ON c.parent_id = t.id
)
SELECT id FROM tree;
