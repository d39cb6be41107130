-- A slot outlives the cancel of its attempt: an attempt of a limited action that was running
-- when its instance was cancelled fails at once, but its worker stops it only by the end of
-- the claim's lease (the worker cancels a limited action's attempt when its lease passes
-- unrenewed). Until then it still executes, so it keeps its slot: `slot_until` is that lease's
-- expiry, and `running_attempts` counts the slot while it lies ahead.
ALTER TABLE waymark_attempts ADD COLUMN slot_until timestamptz;
CREATE INDEX waymark_attempts_held_slots ON waymark_attempts (action, slot_until)
    WHERE slot_until IS NOT NULL;
