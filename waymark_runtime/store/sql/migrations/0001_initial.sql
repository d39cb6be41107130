-- Waymark schema, version 1: workflow versions, instances, action attempts, timers, schedules.
-- JSON columns are `json`, not `jsonb`: values and interpreter state need their key order kept.
-- Times come from the caller (one clock in the host process, pinnable in tests); the column
-- defaults only cover rows written by hand.

-- One row per compiled program: a version is the hash of its .wrl text.
CREATE TABLE waymark_workflow_versions (
    name text NOT NULL,
    version text NOT NULL,
    wrl text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);

-- One row per run. `wake_at` is when the instance next needs a runner: NULL while a runner
-- holds its lease or once it finished. `event_seq` counts results recorded by others than the
-- lease holder, so a commit can tell whether events arrived during its step.
CREATE TABLE waymark_instances (
    id uuid PRIMARY KEY,
    workflow_name text NOT NULL,
    workflow_version text NOT NULL,
    inputs json NOT NULL,
    state json,
    status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    result json,
    error json,
    priority integer NOT NULL DEFAULT 0,
    lease_owner text,
    lease_expires_at timestamptz,
    wake_at timestamptz,
    event_seq bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    FOREIGN KEY (workflow_name, workflow_version)
        REFERENCES waymark_workflow_versions (name, version)
);

-- The claim order: highest priority first, then the longest waiting.
CREATE INDEX waymark_instances_runnable
    ON waymark_instances (priority DESC, wake_at)
    WHERE lease_owner IS NULL AND wake_at IS NOT NULL;
CREATE INDEX waymark_instances_leased
    ON waymark_instances (lease_expires_at) WHERE lease_owner IS NOT NULL;
CREATE INDEX waymark_instances_finished
    ON waymark_instances (finished_at) WHERE finished_at IS NOT NULL;

-- One row per try of an action. A runner that holds an instance's lease runs its attempts on
-- its own workers: those rows have `lease_owner` set and no `lease_expires_at` (the instance
-- lease covers them). Rows queued with no owner are claimed one by one (`claim_actions`) and
-- carry their own lease. A finished row is an event of its instance until `consumed`.
CREATE TABLE waymark_attempts (
    instance_id uuid NOT NULL REFERENCES waymark_instances (id) ON DELETE CASCADE,
    node text NOT NULL,
    attempt integer NOT NULL,
    action text NOT NULL,
    args json NOT NULL,
    kwargs json NOT NULL,
    timeout_seconds double precision,
    status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    consumed boolean NOT NULL DEFAULT false,
    lost_count integer NOT NULL DEFAULT 0,
    ready_at timestamptz NOT NULL DEFAULT now(),
    lease_owner text,
    lease_expires_at timestamptz,
    result json,
    error json,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (instance_id, node, attempt)
);
CREATE INDEX waymark_attempts_open
    ON waymark_attempts (instance_id) WHERE NOT consumed;
CREATE INDEX waymark_attempts_queued
    ON waymark_attempts (ready_at) WHERE status = 'queued' AND lease_owner IS NULL;
CREATE INDEX waymark_attempts_leased
    ON waymark_attempts (lease_expires_at) WHERE status = 'running' AND lease_expires_at IS NOT NULL;

-- Pending durable sleeps: a deadline in the database, so a sleep survives restarts. A due
-- timer is an event of its instance; consuming it deletes the row.
CREATE TABLE waymark_timers (
    instance_id uuid NOT NULL REFERENCES waymark_instances (id) ON DELETE CASCADE,
    node text NOT NULL,
    wake_at timestamptz NOT NULL,
    PRIMARY KEY (instance_id, node)
);

-- Recurring runs of a workflow (a cron expression or a fixed interval).
CREATE TABLE waymark_schedules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    workflow_name text NOT NULL,
    schedule_type text NOT NULL CHECK (schedule_type IN ('cron', 'interval')),
    cron_expression text,
    interval_seconds double precision,
    inputs json NOT NULL DEFAULT '{}',
    jitter_seconds double precision NOT NULL DEFAULT 0,
    allow_duplicate boolean NOT NULL DEFAULT false,
    priority integer NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    next_run_at timestamptz,
    last_run_at timestamptz,
    last_instance_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workflow_name, name)
);
CREATE INDEX waymark_schedules_due
    ON waymark_schedules (next_run_at) WHERE status = 'active';
