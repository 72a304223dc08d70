-- Partner merchants (联盟商家): they honour the brand's vouchers at their stores and are settled for them.
CREATE TABLE partner (
  id text PRIMARY KEY,
  name text NOT NULL,
  contact jsonb NOT NULL DEFAULT '{}',
  currency text NOT NULL,
  settlement_cycle text NOT NULL CHECK (settlement_cycle IN ('weekly', 'monthly')),
  payment_days int NOT NULL CHECK (payment_days >= 0),
  notes text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Voucher terms for a (service) catalog variant. Issued vouchers copy the terms, so editing a
-- template changes only vouchers issued afterwards.
CREATE TABLE voucher_template (
  id text PRIMARY KEY,
  name text NOT NULL,
  variant_id text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  uses_per_voucher int NOT NULL CHECK (uses_per_voucher BETWEEN 1 AND 1000),
  validity_days int CHECK (validity_days > 0),
  valid_until timestamptz,
  scope text NOT NULL CHECK (scope IN ('own_stores', 'locations', 'partners')),
  location_ids text[] NOT NULL DEFAULT '{}',
  partner_ids text[] NOT NULL DEFAULT '{}',
  face_value bigint NOT NULL CHECK (face_value >= 0),
  currency text NOT NULL,
  partner_id text REFERENCES partner(id),
  settlement_amount bigint CHECK (settlement_amount >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((validity_days IS NULL) <> (valid_until IS NULL)),
  CHECK ((partner_id IS NULL) = (settlement_amount IS NULL))
);
-- A paid order line finds its terms by variant: one active template per variant.
CREATE UNIQUE INDEX voucher_template_active_variant ON voucher_template (variant_id) WHERE status = 'active' AND variant_id IS NOT NULL;

CREATE TABLE voucher (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  template_id text NOT NULL REFERENCES voucher_template(id),
  variant_id text,
  customer_id text,
  order_id text,
  order_line_id text,
  -- Position within its order line: a repeated issue for the same line cannot add vouchers.
  line_index int,
  issue_reason text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'used_up', 'voided')),
  uses_total int NOT NULL CHECK (uses_total >= 1),
  uses_left int NOT NULL CHECK (uses_left >= 0 AND uses_left <= uses_total),
  -- Ever-increasing redemption counter; it numbers redemptions even after one is reversed.
  redemption_count int NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  scope text NOT NULL,
  location_ids text[] NOT NULL,
  partner_ids text[] NOT NULL,
  face_value bigint NOT NULL,
  currency text NOT NULL,
  paid_amount bigint NOT NULL CHECK (paid_amount >= 0),
  partner_id text REFERENCES partner(id),
  settlement_amount bigint,
  issued_at timestamptz NOT NULL DEFAULT now(),
  voided_at timestamptz,
  void_reason text,
  refunded_amount bigint
);
CREATE UNIQUE INDEX voucher_order_line_index ON voucher (order_line_id, line_index) WHERE order_line_id IS NOT NULL;
CREATE INDEX voucher_customer ON voucher (customer_id, id);
CREATE INDEX voucher_template_id ON voucher (template_id, id);

CREATE TABLE voucher_redemption (
  id text PRIMARY KEY,
  voucher_id text NOT NULL REFERENCES voucher(id),
  use_no int NOT NULL,
  location_id text NOT NULL,
  redeemed_by text NOT NULL,
  redeemed_at timestamptz NOT NULL DEFAULT now(),
  reversed_at timestamptz,
  reversed_by text,
  UNIQUE (voucher_id, use_no)
);
CREATE INDEX voucher_redemption_location ON voucher_redemption (location_id, redeemed_at);

-- What the brand owes partners: +amount per redemption at a partner's store, -amount per reversal.
CREATE TABLE partner_settlement_entry (
  id text PRIMARY KEY,
  partner_id text NOT NULL REFERENCES partner(id),
  voucher_id text NOT NULL REFERENCES voucher(id),
  redemption_id text NOT NULL REFERENCES voucher_redemption(id),
  location_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('redemption', 'reversal')),
  amount bigint NOT NULL,
  currency text NOT NULL,
  occurred_at timestamptz NOT NULL,
  UNIQUE (redemption_id, kind)
);
CREATE INDEX partner_settlement_entry_period ON partner_settlement_entry (partner_id, occurred_at, id);
