-- A signal's send id: the sender picks it (a UUID) before its first try and keeps it for a
-- retry, so a send whose answer was lost with the connection (after PostgreSQL committed it)
-- is not stored a second time when it is made again (`send_signal` inserts it once). Signals
-- sent before this migration have none.
ALTER TABLE waymark_signals ADD COLUMN send_id uuid UNIQUE;
