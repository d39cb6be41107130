-- Flow control: workflow concurrency keys, and action concurrency and rate limits.
--
-- Workflows. `waymark_workflow_concurrency` holds each limited workflow's rule (written by the
-- clients that start it: `set_flow_rules`). A new instance of a limited workflow gets its
-- `flow_key` (the workflow, and the JSON of its key input) and a place in that key's queue
-- (`flow_seq`); it is held back (`flow_waiting`, no `wake_at`) while `max_running` instances of
-- its key are admitted and unfinished. Admission happens in triggers, so every path that creates
-- an instance (a client, a schedule, a parent's commit) or finishes one (a commit, a cancel, a
-- cascade, a deadline) admits the next in line in its own transaction, and none can forget to.
-- Keys are serialised by a transaction-scoped advisory lock, so two transactions never admit
-- past the limit.
CREATE TABLE waymark_workflow_concurrency (
    workflow_name text PRIMARY KEY,
    key_input text,
    key_default json,
    max_running integer NOT NULL CHECK (max_running >= 1)
);

ALTER TABLE waymark_instances
    ADD COLUMN flow_key text,
    ADD COLUMN flow_seq bigint,
    ADD COLUMN flow_waiting boolean NOT NULL DEFAULT false;
CREATE INDEX waymark_instances_flow ON waymark_instances (flow_key, flow_seq)
    WHERE flow_key IS NOT NULL AND finished_at IS NULL;
CREATE SEQUENCE waymark_flow_seq;

-- Admit the oldest waiting instances of `key` while fewer than `max_running` are admitted and
-- unfinished; they become runnable at `at`.
CREATE FUNCTION waymark_flow_admit(key text, max_running integer, at timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    active bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1470053933, hashtext(key));
    SELECT count(*) INTO active FROM waymark_instances
    WHERE flow_key = key AND finished_at IS NULL AND NOT flow_waiting;
    IF active >= max_running THEN
        RETURN;
    END IF;
    UPDATE waymark_instances AS i
    SET flow_waiting = false, wake_at = at, updated_at = at
    WHERE i.id IN (SELECT w.id FROM waymark_instances AS w
                   WHERE w.flow_key = key AND w.flow_waiting AND w.finished_at IS NULL
                   ORDER BY w.flow_seq
                   LIMIT max_running - active);
    IF FOUND THEN
        PERFORM pg_notify('waymark_runnable', '');
    END IF;
END $$;

-- New instances of limited workflows wait in their key's queue, then the keys admit.
CREATE FUNCTION waymark_flow_created() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    gate record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM waymark_workflow_concurrency) THEN
        RETURN NULL;
    END IF;
    UPDATE waymark_instances AS i
    SET flow_key = q.flow_key, flow_seq = q.seq, flow_waiting = true, wake_at = NULL
    FROM (SELECT k.id, k.flow_key, nextval('waymark_flow_seq') AS seq
          FROM (SELECT n.id, n.workflow_name || CASE WHEN c.key_input IS NULL THEN '' ELSE
                    ':' || coalesce(n.inputs -> c.key_input, c.key_default, 'null')::text
                    END AS flow_key, row_number() OVER () AS ord
                FROM created AS n
                JOIN waymark_workflow_concurrency AS c ON c.workflow_name = n.workflow_name
                WHERE n.finished_at IS NULL) AS k
          ORDER BY k.ord) AS q
    WHERE i.id = q.id;
    FOR gate IN
        SELECT DISTINCT i.flow_key, c.max_running, n.created_at
        FROM created AS n
        JOIN waymark_instances AS i ON i.id = n.id
        JOIN waymark_workflow_concurrency AS c ON c.workflow_name = n.workflow_name
        WHERE i.flow_key IS NOT NULL
        ORDER BY i.flow_key
    LOOP
        PERFORM waymark_flow_admit(gate.flow_key, gate.max_running, gate.created_at);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER waymark_flow_created AFTER INSERT ON waymark_instances
    REFERENCING NEW TABLE AS created
    FOR EACH STATEMENT EXECUTE FUNCTION waymark_flow_created();

-- An instance of a limited workflow finished: its key admits the next in line.
CREATE FUNCTION waymark_flow_finished() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM waymark_flow_admit(
        NEW.flow_key,
        coalesce((SELECT c.max_running FROM waymark_workflow_concurrency AS c
                  WHERE c.workflow_name = NEW.workflow_name), 2147483647),
        NEW.finished_at);
    RETURN NULL;
END $$;

CREATE TRIGGER waymark_flow_finished AFTER UPDATE OF finished_at ON waymark_instances
    FOR EACH ROW
    WHEN (OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL AND NEW.flow_key IS NOT NULL)
    EXECUTE FUNCTION waymark_flow_finished();

-- Actions. An attempt of a limited action starts only through `grant_slots`, which marks it
-- `gated`: under a lock of its action's row here, the gated attempts of that action `running`
-- now are counted (the slots taken; a crashed runner's attempts stop counting when its lease is
-- reclaimed and they are re-queued), and `starts` keeps the action's most recent start times
-- (epoch seconds, a JSON list) for its rate. Attempts of unlimited actions are never gated, so
-- the index costs them nothing.
CREATE TABLE waymark_action_gates (
    action text PRIMARY KEY,
    starts json NOT NULL DEFAULT '[]'
);
ALTER TABLE waymark_attempts ADD COLUMN gated boolean NOT NULL DEFAULT false;
CREATE INDEX waymark_attempts_slots ON waymark_attempts (action)
    WHERE status = 'running' AND gated;
