-- The instance a retry or requeue of this one created (`Admin.retry`, `Admin.requeue`), set in
-- the transaction that creates it, under the row lock of this one: the same retry made again
-- (its answer was lost, two people pressed the button) returns that instance and creates none.
-- Its deletion by garbage collection clears it: a retry after that creates an instance again.
ALTER TABLE waymark_instances ADD COLUMN restarted_as uuid
    REFERENCES waymark_instances (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX waymark_instances_restarted_as ON waymark_instances (restarted_as)
    WHERE restarted_as IS NOT NULL;
