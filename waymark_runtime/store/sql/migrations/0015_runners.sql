-- The runners (`start-workers` processes) working on this database, for inspection: a runner
-- registers when it starts, its heartbeat moves `heartbeat_at`, it unregisters when it stops.
-- A runner that died leaves a row whose heartbeat stops; a start removes rows silent for a day.
CREATE TABLE waymark_runners (
    id text PRIMARY KEY,
    host text NOT NULL,
    pid integer NOT NULL,
    worker_count integer NOT NULL,
    started_at timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);
