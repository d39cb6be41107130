-- Fencing: every claim of an instance bumps its epoch. A runner's commits, dispatched attempts
-- and worker replies carry the epoch of the claim they belong to, so work of an older claim (a
-- runner that was paused or cut off past its lease, then woke up) is never started and never
-- accepted, even when the same runner has claimed the instance again since.
ALTER TABLE waymark_instances ADD COLUMN lease_epoch bigint NOT NULL DEFAULT 0;
