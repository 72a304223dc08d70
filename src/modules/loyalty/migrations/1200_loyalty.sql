-- One member per customer, whatever channel they shop on.
CREATE TABLE loyalty_member (
  id text PRIMARY KEY,
  customer_id text NOT NULL UNIQUE,
  tier_id text,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Earn rules: points per `unit_amount` minor units paid, optionally only on one channel kind.
-- The most specific matching rule applies (a channel kind rule beats the catch-all).
CREATE TABLE loyalty_earn_rule (
  id text PRIMARY KEY,
  name text NOT NULL,
  channel_kind text,
  points_per_unit integer NOT NULL CHECK (points_per_unit >= 0),
  unit_amount integer NOT NULL CHECK (unit_amount > 0),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX loyalty_earn_rule_kind ON loyalty_earn_rule ((coalesce(channel_kind, '*'))) WHERE active;
INSERT INTO loyalty_earn_rule (id, name, channel_kind, points_per_unit, unit_amount)
VALUES ('ler_default', '1 point per 1 yuan on every channel', NULL, 1, 100);

CREATE TABLE loyalty_tier (
  id text PRIMARY KEY,
  name text NOT NULL,
  min_spend bigint NOT NULL UNIQUE CHECK (min_spend >= 0),
  multiplier_pct integer NOT NULL DEFAULT 100 CHECK (multiplier_pct BETWEEN 0 AND 10000),
  free_shipping boolean NOT NULL DEFAULT false,
  member_price boolean NOT NULL DEFAULT false,
  birthday_coupon_template_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A lot is a batch of points with one origin and one expiry. Frozen lots (money not final) count
-- toward nothing spendable; active lots make up the balance; spending takes from `remaining`.
CREATE TABLE loyalty_lot (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  source_type text NOT NULL CHECK (source_type IN ('order', 'adjustment')),
  source_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('frozen', 'active', 'released', 'expired')),
  points integer NOT NULL CHECK (points >= 0),
  remaining integer NOT NULL CHECK (remaining >= 0),
  clawed integer NOT NULL DEFAULT 0 CHECK (clawed >= 0),
  -- For order lots: what was paid and refunded, so refunds take back points in proportion.
  paid_amount bigint NOT NULL DEFAULT 0,
  refunded_amount bigint NOT NULL DEFAULT 0,
  confirm_due_at timestamptz,
  confirmed_at timestamptz,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX loyalty_lot_order ON loyalty_lot (source_id) WHERE source_type = 'order';
CREATE INDEX loyalty_lot_spendable ON loyalty_lot (customer_id, expires_at, id) WHERE status = 'active' AND remaining > 0;
CREATE INDEX loyalty_lot_confirm_due ON loyalty_lot (confirm_due_at) WHERE status = 'frozen';
CREATE INDEX loyalty_lot_expiry ON loyalty_lot (expires_at) WHERE status = 'active';

-- The history a member sees: each movement of points, signed, with what caused it.
CREATE TABLE loyalty_entry (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('frozen', 'confirmed', 'released', 'spent', 'spend_refunded', 'expired', 'clawed_back', 'adjusted')),
  points integer NOT NULL,
  reference_type text,
  reference_id text,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX loyalty_entry_customer ON loyalty_entry (customer_id, id);
-- A spend for one reference happens once, and is refunded once.
CREATE UNIQUE INDEX loyalty_entry_spend_once ON loyalty_entry (kind, reference_type, reference_id) WHERE kind IN ('spent', 'spend_refunded');

-- Which lots a debit drew on, so a refunded spend goes back to the lots it came from.
CREATE TABLE loyalty_lot_use (
  entry_id text NOT NULL REFERENCES loyalty_entry(id),
  lot_id text NOT NULL REFERENCES loyalty_lot(id),
  points integer NOT NULL CHECK (points > 0),
  PRIMARY KEY (entry_id, lot_id)
);

CREATE TABLE loyalty_reward (
  id text PRIMARY KEY,
  name text NOT NULL,
  points integer NOT NULL CHECK (points > 0),
  coupon_template_id text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE loyalty_redemption (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  reward_id text NOT NULL REFERENCES loyalty_reward(id),
  points integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX loyalty_redemption_customer ON loyalty_redemption (customer_id, id);

-- A birthday perk is granted once per member per year.
CREATE TABLE loyalty_birthday_grant (
  customer_id text NOT NULL,
  year integer NOT NULL,
  tier_id text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, year)
);

-- Outbox events already applied: handlers run at least once, their effects exactly once.
CREATE TABLE loyalty_applied_event (
  event_id text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Server secrets (the member code key), made once on first use and shared by every replica.
CREATE TABLE loyalty_secret (
  name text PRIMARY KEY,
  secret text NOT NULL
);
