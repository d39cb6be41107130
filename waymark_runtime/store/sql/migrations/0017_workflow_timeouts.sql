-- Default deadlines of workflows: a workflow class's `timeout` attribute, kept per workflow name
-- by the clients and schedule registrations that know the class (`set_flow_rules`), as the
-- concurrency rules are. Every path that creates an instance without a deadline of its own (a
-- schedule's fire, a parent's child call, a retry or requeue) gets the default of its workflow,
-- counted from its creation, in the statement that creates it: the trigger below.
CREATE TABLE waymark_workflow_timeouts (
    workflow_name text PRIMARY KEY,
    seconds double precision NOT NULL CHECK (seconds > 0)
);

CREATE FUNCTION waymark_timeout_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM waymark_workflow_timeouts) THEN
        RETURN NULL;
    END IF;
    UPDATE waymark_instances AS i
    SET deadline_at = n.created_at + make_interval(secs => t.seconds)
    FROM created AS n
    JOIN waymark_workflow_timeouts AS t ON t.workflow_name = n.workflow_name
    WHERE i.id = n.id AND n.deadline_at IS NULL AND n.finished_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER waymark_timeout_created AFTER INSERT ON waymark_instances
    REFERENCING NEW TABLE AS created
    FOR EACH STATEMENT EXECUTE FUNCTION waymark_timeout_created();
