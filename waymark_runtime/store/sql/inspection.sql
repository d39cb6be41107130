-- Inspection queries of the PostgreSQL store beyond the admin API: what the dashboard's workers
-- page and filters read. Read-only; $1 is "now" (epoch seconds) where a query needs one.

-- name: lease_owners
-- Every runner holding unfinished instances: how many, and the latest expiry of its leases.
SELECT lease_owner AS owner, count(*) AS instances,
       extract(epoch FROM max(lease_expires_at))::double precision AS lease_until
FROM waymark_instances
WHERE lease_owner IS NOT NULL AND status IN ('queued', 'running')
GROUP BY lease_owner ORDER BY lease_owner;

-- name: activity
-- Queue depths at $1, actions finished in the last minute, and the mean claim latency (ready to
-- started) of the attempts started in the last five minutes, in seconds.
SELECT
  (SELECT count(*) FROM waymark_instances
    WHERE status IN ('queued', 'running') AND lease_owner IS NULL
      AND (wake_at IS NULL OR wake_at <= to_timestamp($1))) AS runnable_instances,
  (SELECT count(*) FROM waymark_instances WHERE status IN ('queued', 'running')) AS unfinished,
  (SELECT count(*) FROM waymark_attempts WHERE status = 'queued' AND ready_at <= to_timestamp($1))
    AS queued_attempts,
  (SELECT count(*) FROM waymark_attempts WHERE status = 'running') AS running_attempts,
  (SELECT count(*) FROM waymark_attempts
    WHERE finished_at > to_timestamp($1) - interval '60 seconds') AS finished_last_minute,
  (SELECT extract(epoch FROM avg(started_at - ready_at))::double precision
     FROM waymark_attempts
    WHERE started_at > to_timestamp($1) - interval '5 minutes') AS claim_latency;

-- name: recent_failures
-- The last $2 failed attempts that finished in the hour before $1.
SELECT a.instance_id::text AS instance_id, a.node, a.attempt, a.action, a.error,
       extract(epoch FROM a.finished_at)::double precision AS finished_at
FROM waymark_attempts AS a
WHERE a.status = 'failed' AND a.finished_at > to_timestamp($1) - interval '1 hour'
ORDER BY a.finished_at DESC LIMIT $2;

-- name: workflow_names
-- Every workflow with a registered version, by name.
SELECT DISTINCT name FROM waymark_workflow_versions ORDER BY 1;

-- name: ping
-- The database answers (`/healthz`).
SELECT 1 AS ok;
