-- Statements of the admin API's steering that more than one statement makes up: the store
-- runs them in one transaction (`pg_steer`).

-- name: restart_source
-- Instance $1, the source of a retry or requeue, whose family the transaction locked first
-- (`lock_families`; the lock taken here is that one, so it waits for nothing): whether it is
-- unfinished and the instance its earlier retry or requeue created, if any.
SELECT finished_at IS NULL AS unfinished, restarted_as
FROM waymark_instances WHERE id = $1 FOR NO KEY UPDATE;

-- name: record_restart
-- Instance $1's retry or requeue created instance $2.
UPDATE waymark_instances SET restarted_as = $2 WHERE id = $1;
