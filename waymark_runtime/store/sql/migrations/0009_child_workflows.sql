-- Child workflows. A child instance names its parent (`parent_id`, and `parent_node`, the call
-- site whose attempt 1 receives its outcome); `blocking` is false for a detached child, which
-- outlives its parent and reports nothing back. `depth` counts ancestors (the root is 0).
-- `pins` maps every workflow name the tree may start to the version it runs: fixed when the
-- root is created and inherited by each child. No foreign key: a finished parent may be
-- garbage-collected while a detached child still runs.
ALTER TABLE waymark_instances
    ADD COLUMN parent_id uuid,
    ADD COLUMN parent_node text,
    ADD COLUMN blocking boolean NOT NULL DEFAULT true,
    ADD COLUMN depth integer NOT NULL DEFAULT 0,
    ADD COLUMN pins json;
CREATE INDEX waymark_instances_parent ON waymark_instances (parent_id)
    WHERE parent_id IS NOT NULL;

-- A parent's attempt of a child call: `waiting` while the child runs (never claimed, started
-- or re-queued: it is no work of a worker), then finished by the child's own completion commit.
ALTER TABLE waymark_attempts ADD COLUMN child_id uuid;
ALTER TABLE waymark_attempts DROP CONSTRAINT waymark_attempts_status_check;
ALTER TABLE waymark_attempts ADD CONSTRAINT waymark_attempts_status_check
    CHECK (status IN ('queued', 'running', 'waiting', 'completed', 'failed'));
