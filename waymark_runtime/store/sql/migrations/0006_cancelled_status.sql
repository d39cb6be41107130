-- Cancellation is a status of its own: a cancelled instance ends as 'cancelled' (its error is
-- still the `InstanceCancelled` exception, which waiting clients raise). Instances cancelled
-- before this migration were stored as failed with that error; they become cancelled.
ALTER TABLE waymark_instances DROP CONSTRAINT waymark_instances_status_check;
ALTER TABLE waymark_instances ADD CONSTRAINT waymark_instances_status_check
    CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled'));
UPDATE waymark_instances SET status = 'cancelled'
WHERE status = 'failed' AND error ->> 'type' = 'waymark_runtime.errors:InstanceCancelled';

-- Listing instances newest first, a page at a time: the keyset (created_at, id).
CREATE INDEX waymark_instances_created ON waymark_instances (created_at, id);
