-- How often an attempt was found running for a runner whose lease had lapsed (the runner died
-- or froze while it ran), counted apart from `lost_count`: those runs again count against
-- `WAYMARK_ORPHANED_ATTEMPT_RETRIES`, not `WAYMARK_LOST_ATTEMPT_RETRIES`, so runners killed
-- in a row do not fail a healthy action, while an action that kills its whole runner each
-- time still fails once it passes that larger bound.
ALTER TABLE waymark_attempts ADD COLUMN orphaned_count integer NOT NULL DEFAULT 0;
