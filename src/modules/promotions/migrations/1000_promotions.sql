-- A promotion is a rule (what it gives) plus conditions (when it applies), both as jsonb: the
-- engine evaluates them in memory from a per-process snapshot, so they are never queried by field.
CREATE TABLE promotion (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'inactive', 'archived')),
  trigger text NOT NULL CHECK (trigger IN ('automatic', 'coupon')),
  stacking text NOT NULL CHECK (stacking IN ('exclusive', 'stackable')),
  priority integer NOT NULL DEFAULT 0,
  currency text NOT NULL,
  rule jsonb NOT NULL,
  conditions jsonb NOT NULL DEFAULT '{}',
  time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
  starts_at timestamptz,
  ends_at timestamptz,
  usage_limit integer CHECK (usage_limit > 0),
  per_customer_limit integer CHECK (per_customer_limit > 0),
  budget bigint CHECK (budget > 0),
  -- Counters move only by conditional updates; the checks are the last line of defence.
  used integer NOT NULL DEFAULT 0 CHECK (used >= 0 AND (usage_limit IS NULL OR used <= usage_limit)),
  spent bigint NOT NULL DEFAULT 0 CHECK (spent >= 0 AND (budget IS NULL OR spent <= budget)),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX promotion_status_idx ON promotion (status, id);

-- One row, bumped in the same transaction as any promotion change: servers compare its stamp with
-- the one their in-memory snapshot was built from (one primary-key read per pricing).
CREATE TABLE promotion_version (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL,
  stamp text NOT NULL
);
INSERT INTO promotion_version (id, version, stamp) VALUES (1, 0, 'pv_' || md5(random()::text || clock_timestamp()::text));

-- A promotion's part in an order; released once on cancel or refund.
CREATE TABLE promotion_use (
  id text PRIMARY KEY,
  promotion_id text NOT NULL REFERENCES promotion(id),
  order_id text NOT NULL,
  customer_id text,
  discount bigint NOT NULL CHECK (discount >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  UNIQUE (order_id, promotion_id)
);
CREATE INDEX promotion_use_open_idx ON promotion_use (order_id) WHERE released_at IS NULL;

CREATE TABLE promotion_customer_use (
  promotion_id text NOT NULL REFERENCES promotion(id),
  customer_id text NOT NULL,
  used integer NOT NULL CHECK (used >= 0),
  PRIMARY KEY (promotion_id, customer_id)
);
