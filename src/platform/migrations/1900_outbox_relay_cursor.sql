-- The relay used to mark every event processed: an UPDATE that rewrote each event, payload and all,
-- with its index entries, a second write per event. It now keeps one cursor instead. Every event
-- carries the transaction that wrote it; the relay hands on, in (xid, id) order, the events
-- visible in a target snapshot and not in the last one it finished (the stock feed's technique), so
-- an event whose transaction commits late is neither skipped nor relayed twice.
ALTER TABLE outbox_event ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
-- Events already relayed move below every snapshot's horizon; the rest keep this transaction's id.
UPDATE outbox_event SET xid = '2' WHERE processed_at IS NOT NULL;
DROP INDEX outbox_event_pending;
ALTER TABLE outbox_event DROP COLUMN processed_at;
CREATE INDEX outbox_event_relay ON outbox_event (xid, id);

-- One row. `done`: every event visible in this snapshot has been relayed. `target`: the snapshot of
-- the round under way, if a batch filled up; its events up to (after_xid, after_id) are relayed.
CREATE TABLE outbox_relay (
  id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  done text NOT NULL,
  target text,
  after_xid xid8 NOT NULL DEFAULT '0',
  after_id text NOT NULL DEFAULT ''
);
INSERT INTO outbox_relay (done) VALUES ('3:3:');
