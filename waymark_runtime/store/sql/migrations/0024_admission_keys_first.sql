-- Workflow admission (0013) and the row locks of the transactions that end or start limited
-- instances: the keys' advisory locks come first.
--
-- An admission holds its key's advisory lock while it waits for the rows of the key's waiting
-- instances. A cancel (or a settling commit) locks its family's rows first, in the order of
-- their ids, waiting instances among them, and wanted the key's lock only later, when it ended
-- an admitted instance of the key: it held a row the admission waited for while it waited for
-- the admission's lock, and PostgreSQL aborted one of them. Every transaction that may end or
-- start instances of limited workflows while it holds instance rows now takes the advisory
-- locks of their keys before its first row lock, all at once, in one order (`waymark_flow_lock`):
-- a lock family's keys (`lock_families`), a group commit's (`commit_instances`: the keys of the
-- instances it ends and of the children it starts). An admission's key is then never wanted by
-- a transaction holding a row the admission waits for.

-- The key an instance of `workflow` with `inputs` gets (as `waymark_flow_created` computes it);
-- NULL when the workflow is not limited.
CREATE FUNCTION waymark_flow_key_of(workflow text, inputs json) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT workflow || CASE WHEN c.key_input IS NULL THEN '' ELSE
           ':' || coalesce(inputs -> c.key_input, c.key_default, 'null')::text END
    FROM waymark_workflow_concurrency AS c WHERE c.workflow_name = workflow
$$;

-- The keys a group commit's document `doc` (`CommitBatch`) may admit in: of the unfinished
-- instances its steps end, and of the children it starts. Empty while no workflow is limited.
CREATE FUNCTION waymark_flow_batch_keys(doc json) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF doc IS NULL OR NOT EXISTS (SELECT 1 FROM waymark_workflow_concurrency) THEN
        RETURN '{}';
    END IF;
    RETURN array(
        SELECT i.flow_key FROM json_to_recordset(doc -> 's') AS s (id uuid, status text)
        JOIN waymark_instances AS i ON i.id = s.id
        WHERE s.status IS NOT NULL AND i.flow_key IS NOT NULL AND i.finished_at IS NULL
        UNION
        SELECT waymark_flow_key_of(c.workflow, c.inputs)
        FROM json_to_recordset(doc -> 'c') AS c (child uuid, workflow text, inputs json)
        WHERE c.child IS NOT NULL);
END $$;

-- Take the advisory locks of `keys` (NULLs skipped), in the order of the locks' numbers, so
-- two transactions taking some of the same keys never wait for each other crosswise; the number
-- of locks taken. Locks already held are taken again at once.
CREATE FUNCTION waymark_flow_lock(keys text[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    number integer;
    taken integer := 0;
BEGIN
    FOR number IN
        SELECT DISTINCT hashtext(k) AS h FROM unnest(keys) AS k WHERE k IS NOT NULL ORDER BY h
    LOOP
        PERFORM pg_advisory_xact_lock(1470053933, number);
        taken := taken + 1;
    END LOOP;
    RETURN taken;
END $$;
