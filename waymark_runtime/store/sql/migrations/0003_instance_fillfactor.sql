-- A runner rewrites an instance row at every step (its state); with free space left in each
-- page those updates stay on the page and skip the indexes (HOT updates).
ALTER TABLE waymark_instances SET (fillfactor = 80);
