-- A payment for something another module owns (an order, a booking): the reference says what.
-- Amounts are integer minor units; the checks keep refunds within what was captured.
CREATE TABLE payment (
  id text PRIMARY KEY,
  reference_type text NOT NULL,
  reference_id text NOT NULL,
  provider text NOT NULL,
  method text,
  status text NOT NULL CHECK (status IN ('pending', 'authorized', 'captured', 'failed', 'cancelled', 'refunded', 'partially_refunded')),
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  captured_amount bigint NOT NULL DEFAULT 0,
  refunded_amount bigint NOT NULL DEFAULT 0,
  provider_ref text,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (captured_amount BETWEEN 0 AND amount),
  CHECK (refunded_amount BETWEEN 0 AND captured_amount)
);
CREATE INDEX payment_reference ON payment (reference_type, reference_id);
CREATE INDEX payment_provider_ref ON payment (provider, provider_ref);

CREATE TABLE refund (
  id text PRIMARY KEY,
  payment_id text NOT NULL REFERENCES payment(id),
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  reason text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  provider_ref text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refund_payment ON refund (payment_id, id);

-- Webhook signing secrets of providers that are not given one in the environment: generated on
-- first use, shared by every server replica.
CREATE TABLE payment_provider_secret (
  provider text PRIMARY KEY,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The test provider's pending call-backs: a worker job POSTs each as a signed webhook.
CREATE TABLE payment_test_callback (
  payment_id text PRIMARY KEY REFERENCES payment(id),
  outcome text NOT NULL CHECK (outcome IN ('captured', 'failed')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'abandoned')),
  attempts int NOT NULL DEFAULT 0,
  due_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_test_callback_due ON payment_test_callback (due_at) WHERE status = 'pending';
