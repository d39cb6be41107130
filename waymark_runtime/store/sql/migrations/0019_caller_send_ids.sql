-- A signal's send id may be the caller's own key (`waymark.send_signal(..., send_id=...)`), any
-- string, and it names one send to one instance: two instances may each keep a send of one id.
-- Ids kept before this migration (UUIDs) keep their meaning.
ALTER TABLE waymark_signals DROP CONSTRAINT waymark_signals_send_id_key;
ALTER TABLE waymark_signals ALTER COLUMN send_id TYPE text;
CREATE UNIQUE INDEX waymark_signals_send_id ON waymark_signals (instance_id, send_id);
