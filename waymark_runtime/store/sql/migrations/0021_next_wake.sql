-- When the next released instance falls due (`next_wake`): the earliest `wake_at` of the
-- instances no runner holds, read at the front of this index instead of by a scan of every
-- sleeping instance. A runner arms a timer at that time, so a released sleep or wait ends on
-- time without a poll finding it.
CREATE INDEX waymark_instances_wake ON waymark_instances (wake_at)
    WHERE lease_owner IS NULL AND wake_at IS NOT NULL;
