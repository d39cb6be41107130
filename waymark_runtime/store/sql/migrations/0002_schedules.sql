-- Schedules, version 2: the cadence slot of the pending fire, kept apart from its jittered time.
-- `next_run_at` is when the scheduler fires (the slot plus this fire's jitter); the next slot is
-- computed from `next_slot_at`, so jitter never drifts an interval's cadence.
ALTER TABLE waymark_schedules ADD COLUMN next_slot_at timestamptz;
UPDATE waymark_schedules SET next_slot_at = next_run_at;
