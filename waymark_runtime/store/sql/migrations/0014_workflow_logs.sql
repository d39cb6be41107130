-- The workflow log: the lines an instance wrote with `self.log.<level>(...)`, recorded by the
-- commit of the step that wrote them. `seq` numbers an instance's lines from 0 (kept in its
-- state), so a commit applied twice records each line once. `function` and `line` say where
-- in the Python source the workflow logged it. The lines go with their instance.
CREATE TABLE waymark_workflow_logs (
    instance_id uuid NOT NULL REFERENCES waymark_instances (id) ON DELETE CASCADE,
    seq integer NOT NULL,
    level text NOT NULL,
    message text NOT NULL,
    function text NOT NULL,
    line integer NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (instance_id, seq)
);
