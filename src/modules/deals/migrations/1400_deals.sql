-- Flash sales (秒杀): a limited number of units of one variant at a special price for a short time.
CREATE TABLE flash_sale (
  id text PRIMARY KEY,
  name text NOT NULL,
  variant_id text NOT NULL,
  currency text NOT NULL,
  price bigint NOT NULL CHECK (price > 0),
  -- NULL: every channel.
  channel_ids text[],
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  allotment int NOT NULL CHECK (allotment > 0),
  -- Units sold at the flash price and not given back: what the allotment caps.
  sold int NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= allotment),
  per_customer_limit int NOT NULL CHECK (per_customer_limit > 0),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'ended', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX flash_sale_live ON flash_sale (ends_at) WHERE status = 'active';

-- Units each shopper bought at a sale, checked against the per-customer limit by conditional upserts.
CREATE TABLE flash_sale_customer (
  flash_sale_id text NOT NULL REFERENCES flash_sale(id),
  customer_id text NOT NULL,
  used int NOT NULL DEFAULT 0 CHECK (used >= 0),
  PRIMARY KEY (flash_sale_id, customer_id)
);

-- One row per order that bought at a sale; released_at gives its units back exactly once.
CREATE TABLE flash_sale_purchase (
  id text PRIMARY KEY,
  flash_sale_id text NOT NULL REFERENCES flash_sale(id),
  order_id text NOT NULL,
  customer_id text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  UNIQUE (order_id, flash_sale_id)
);
CREATE INDEX flash_sale_purchase_sale ON flash_sale_purchase (flash_sale_id);

-- Group-buy deals (拼团): a variant at a group price once `group_size` shoppers have paid.
CREATE TABLE group_buy_deal (
  id text PRIMARY KEY,
  name text NOT NULL,
  variant_id text NOT NULL,
  currency text NOT NULL,
  price bigint NOT NULL CHECK (price > 0),
  group_size int NOT NULL CHECK (group_size BETWEEN 2 AND 100),
  -- How long a group stays open for others to join, from the moment it is opened.
  time_limit_minutes int NOT NULL CHECK (time_limit_minutes > 0),
  units_per_member int NOT NULL DEFAULT 1 CHECK (units_per_member > 0),
  channel_ids text[],
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'ended', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX group_buy_deal_live ON group_buy_deal (ends_at) WHERE status = 'active';

-- A group a shopper opened. Seats are taken by conditional updates of `members`; the group is
-- complete when `paid` reaches `size`, and fails when its deadline passes first.
CREATE TABLE group_buy_group (
  id text PRIMARY KEY,
  deal_id text NOT NULL REFERENCES group_buy_deal(id),
  size int NOT NULL,
  members int NOT NULL DEFAULT 0 CHECK (members >= 0 AND members <= size),
  paid int NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= members),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'failed')),
  deadline timestamptz NOT NULL,
  opened_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  failed_at timestamptz,
  -- Set once every member order of a failed group has been cancelled.
  settled_at timestamptz
);
CREATE INDEX group_buy_group_deal ON group_buy_group (deal_id, id);
CREATE INDEX group_buy_group_due ON group_buy_group (deadline) WHERE status = 'open';
CREATE INDEX group_buy_group_unsettled ON group_buy_group (failed_at) WHERE status = 'failed' AND settled_at IS NULL;

-- A seat in a group, taken by an order. A member whose order was cancelled has left; one shopper
-- holds at most one seat of a group at a time.
CREATE TABLE group_buy_member (
  id text PRIMARY KEY,
  group_id text NOT NULL REFERENCES group_buy_group(id),
  order_id text NOT NULL,
  customer_id text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  status text NOT NULL DEFAULT 'joined' CHECK (status IN ('joined', 'paid', 'left')),
  joined_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  left_at timestamptz,
  UNIQUE (order_id, group_id)
);
CREATE UNIQUE INDEX group_buy_member_seat ON group_buy_member (group_id, customer_id) WHERE status <> 'left';
CREATE INDEX group_buy_member_group ON group_buy_member (group_id) WHERE status <> 'left';
CREATE INDEX group_buy_member_customer ON group_buy_member (customer_id, joined_at);
