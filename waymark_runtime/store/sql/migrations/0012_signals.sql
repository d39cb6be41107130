-- Signals: messages sent to an instance from outside (`waymark.send_signal`), and the waits of
-- instances for them (`await self.wait_for_signal(name, Type, timeout=...)`).
-- A signal is kept until a wait of its name consumes it, oldest first (`id` is the FIFO
-- order); `node` names the wait that consumed it. A wait is pending until `finished_at`: a
-- signal arrived, or its timeout (a timer of the same node) passed. Rows go with their
-- instance (garbage collection).
CREATE TABLE waymark_signals (
    id bigserial PRIMARY KEY,
    instance_id uuid NOT NULL REFERENCES waymark_instances (id) ON DELETE CASCADE,
    name text NOT NULL,
    payload json NOT NULL,
    sent_at timestamptz NOT NULL,
    consumed_at timestamptz,
    node text
);
CREATE INDEX waymark_signals_unconsumed
    ON waymark_signals (instance_id, name, id) WHERE consumed_at IS NULL;
CREATE INDEX waymark_signals_instance ON waymark_signals (instance_id);

CREATE TABLE waymark_signal_waits (
    instance_id uuid NOT NULL REFERENCES waymark_instances (id) ON DELETE CASCADE,
    node text NOT NULL,
    name text NOT NULL,
    site text,
    iteration json,
    created_at timestamptz NOT NULL,
    finished_at timestamptz,
    PRIMARY KEY (instance_id, node)
);
CREATE INDEX waymark_signal_waits_pending
    ON waymark_signal_waits (instance_id, name) WHERE finished_at IS NULL;
