-- Coupon terms. The benefit is a promotion (trigger 'coupon') that the promotions engine evaluates;
-- these rows say who may use which code, where, when and how often.
CREATE TABLE coupon_template (
  id text PRIMARY KEY,
  name text NOT NULL,
  promotion_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('public_code', 'unique_codes', 'wallet')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  valid_from timestamptz,
  valid_until timestamptz,
  -- Wallet coupons may instead be valid for N days from the moment they are claimed.
  valid_days int CHECK (valid_days > 0),
  channels text NOT NULL DEFAULT 'all' CHECK (channels IN ('all', 'online', 'store')),
  per_customer_limit int CHECK (per_customer_limit > 0),
  -- Uses of the public code, codes made in batches, or wallet coupons claimed and granted.
  total_limit int CHECK (total_limit > 0),
  -- Codes made (unique_codes) or coupons handed out (wallet): the counter total_limit caps.
  issued int NOT NULL DEFAULT 0 CHECK (issued >= 0 AND (total_limit IS NULL OR issued <= total_limit)),
  stackable boolean NOT NULL DEFAULT false,
  coupon_group text NOT NULL DEFAULT 'store',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_days IS NULL OR (kind = 'wallet' AND valid_from IS NULL AND valid_until IS NULL)),
  CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);

CREATE TABLE coupon_batch (
  id text PRIMARY KEY,
  template_id text NOT NULL REFERENCES coupon_template(id),
  prefix text NOT NULL DEFAULT '',
  count int NOT NULL CHECK (count > 0),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coupon_batch_template ON coupon_batch (template_id, id);

-- Every usable code: the one row of a public code, each code of a batch, each wallet coupon.
-- Batches insert a million rows at a time, so this table carries only the indexes it must: no
-- foreign keys (their per-row triggers would dominate; the service writes template and batch ids
-- it has just read), no index on batch_id (a batch's ids form one range of the primary key), and
-- ASCII ids and codes compared byte-wise (COLLATE "C").
CREATE TABLE coupon (
  id text COLLATE "C" PRIMARY KEY,
  code text COLLATE "C" NOT NULL UNIQUE,
  template_id text NOT NULL,
  batch_id text,
  source text NOT NULL CHECK (source IN ('public', 'batch', 'claim', 'grant')),
  -- The wallet owner; codes of batches and public codes belong to whoever types them.
  customer_id text,
  grant_reason text,
  -- NULL: unlimited (a public code without a total limit).
  max_uses int CHECK (max_uses > 0),
  uses int NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
  -- Set on wallet coupons when handed out; other codes follow their template's window.
  valid_from timestamptz,
  valid_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coupon_customer ON coupon (customer_id, id) WHERE customer_id IS NOT NULL;

-- Per-customer counters that per-customer limits are checked against by conditional upserts.
CREATE TABLE coupon_customer_usage (
  template_id text NOT NULL REFERENCES coupon_template(id),
  customer_id text NOT NULL,
  claimed int NOT NULL DEFAULT 0 CHECK (claimed >= 0),
  used int NOT NULL DEFAULT 0 CHECK (used >= 0),
  PRIMARY KEY (template_id, customer_id)
);

-- One row per coupon used on an order; released_at gives the use back exactly once.
CREATE TABLE coupon_redemption (
  id text PRIMARY KEY,
  coupon_id text NOT NULL REFERENCES coupon(id),
  template_id text NOT NULL REFERENCES coupon_template(id),
  order_id text NOT NULL,
  customer_id text,
  redeemed_at timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  UNIQUE (order_id, coupon_id)
);
CREATE INDEX coupon_redemption_coupon ON coupon_redemption (coupon_id);
