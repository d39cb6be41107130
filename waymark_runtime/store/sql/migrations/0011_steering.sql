-- Steering instances: idempotent starts, workflow deadlines, and claims fair across workflows.
-- `idempotency_key`: at most one instance per (workflow, key) while the instance exists (until
-- garbage collection); a start with a taken key joins the existing instance.
-- `deadline_at`: when an unfinished instance ends as `WorkflowTimeout` (its children with it).
ALTER TABLE waymark_instances ADD COLUMN idempotency_key text;
ALTER TABLE waymark_instances ADD COLUMN deadline_at timestamptz;
CREATE UNIQUE INDEX waymark_instances_idempotency
    ON waymark_instances (workflow_name, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX waymark_instances_deadline
    ON waymark_instances (deadline_at) WHERE deadline_at IS NOT NULL AND finished_at IS NULL;

-- Claims take turns between workflows at equal priority: the runnable index leads with the
-- workflow, so the distinct workflows are found by a skip scan and each one's oldest by a probe.
DROP INDEX waymark_instances_runnable;
CREATE INDEX waymark_instances_runnable
    ON waymark_instances (workflow_name, priority DESC, wake_at)
    WHERE lease_owner IS NULL AND wake_at IS NOT NULL;
