-- Idempotent starts and workflow deadlines.
-- `idempotency_key`: at most one instance per (workflow, key) while the instance exists (until
-- garbage collection); a start with a taken key joins the existing instance.
-- `deadline_at`: when an unfinished instance ends as `WorkflowTimeout` (its children with it).
ALTER TABLE waymark_instances ADD COLUMN idempotency_key text;
ALTER TABLE waymark_instances ADD COLUMN deadline_at timestamptz;
CREATE UNIQUE INDEX waymark_instances_idempotency
    ON waymark_instances (workflow_name, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX waymark_instances_deadline
    ON waymark_instances (deadline_at) WHERE deadline_at IS NOT NULL AND finished_at IS NULL;
