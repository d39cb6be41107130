-- Workflow admission (0013) racing the end of the instance it is about to admit.
--
-- An instance that ends while still waiting in its key's queue held no slot: its end admits
-- nobody and takes no admission lock. Before, the transaction ending it (a cancel holding its
-- row) waited for that lock while an admission holding the lock waited for the row: a
-- deadlock, broken by PostgreSQL after `deadlock_timeout` by aborting one of them.
DROP TRIGGER waymark_flow_finished ON waymark_instances;
CREATE TRIGGER waymark_flow_finished AFTER UPDATE OF finished_at ON waymark_instances
    FOR EACH ROW
    WHEN (OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL AND NEW.flow_key IS NOT NULL
          AND NOT OLD.flow_waiting)
    EXECUTE FUNCTION waymark_flow_finished();

-- An admission reads its candidates in its statement's snapshot; one that ended while the
-- admission waited for its row is not admitted (the condition on the row is checked again on
-- its new version), and the admission picks again, from a new snapshot, until every place it
-- picked was taken. Before, the ended instance took the slot: it was runnable (a runner could
-- claim it) and the key's queue stood still until another instance of the key started.
CREATE OR REPLACE FUNCTION waymark_flow_admit(key text, max_running integer, at timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    active bigint;
    picked bigint;
    admitted bigint;
    any_admitted boolean := false;
BEGIN
    PERFORM pg_advisory_xact_lock(1470053933, hashtext(key));
    LOOP
        SELECT count(*) INTO active FROM waymark_instances
        WHERE flow_key = key AND finished_at IS NULL AND NOT flow_waiting;
        EXIT WHEN active >= max_running;
        WITH next AS (
            SELECT w.id FROM waymark_instances AS w
            WHERE w.flow_key = key AND w.flow_waiting AND w.finished_at IS NULL
            ORDER BY w.flow_seq
            LIMIT max_running - active
        ), taken AS (
            UPDATE waymark_instances AS i
            SET flow_waiting = false, wake_at = at, updated_at = at
            WHERE i.id IN (SELECT id FROM next) AND i.flow_waiting AND i.finished_at IS NULL
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM next), (SELECT count(*) FROM taken) INTO picked, admitted;
        any_admitted := any_admitted OR admitted > 0;
        EXIT WHEN admitted = picked;
    END LOOP;
    IF any_admitted THEN
        PERFORM pg_notify('waymark_runnable', '');
    END IF;
END $$;
