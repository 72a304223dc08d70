-- Integrators' HTTPS endpoints. The signing secret is kept as issued: it is needed to sign each request.
CREATE TABLE webhook_endpoint (
  id text PRIMARY KEY,
  url text NOT NULL,
  event_types text[] NOT NULL,
  description text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (endpoint, event): the unique key makes the fan-out safe to run twice. The body is
-- stored as sent so every retry signs and sends the same bytes.
CREATE TABLE webhook_delivery (
  id text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
  event_id text NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A sender holds a delivery until this time while its request is in flight (no row lock held).
  locked_until timestamptz,
  last_status_code int,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (endpoint_id, id);

CREATE TABLE webhook_attempt (
  id text PRIMARY KEY,
  delivery_id text NOT NULL REFERENCES webhook_delivery(id) ON DELETE CASCADE,
  attempt int NOT NULL,
  status_code int,
  error text,
  duration_ms int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (delivery_id, attempt)
);
