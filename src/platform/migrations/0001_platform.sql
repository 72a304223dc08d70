-- Domain events written in the same transaction as the change they describe; the worker drains
-- them in id order (ids sort by time) and marks each processed once its handlers have run.
CREATE TABLE outbox_event (
  id text PRIMARY KEY,
  type text NOT NULL,
  aggregate_id text,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);
CREATE INDEX outbox_event_pending ON outbox_event (id) WHERE processed_at IS NULL;
CREATE INDEX outbox_event_type ON outbox_event (type, id);

-- Replays of a POST with the same Idempotency-Key return the first response.
CREATE TABLE idempotency_key (
  actor_id text NOT NULL,
  key text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  request_hash text NOT NULL,
  status_code int,
  response_body text,
  locked_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor_id, key)
);
