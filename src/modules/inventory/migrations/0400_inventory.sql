-- Stock per (variant, location). The CHECKs make the database itself refuse overselling: a
-- concurrent writer that slips past an application check still cannot commit reserved > on_hand.
-- change_seq is stamped from one sequence on every change, so the stock feed can ask "what changed
-- since N" with an index range scan.
CREATE SEQUENCE stock_change_seq;

CREATE TABLE stock_level (
  variant_id text NOT NULL,
  location_id text NOT NULL,
  on_hand int NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved int NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  change_seq bigint NOT NULL DEFAULT nextval('stock_change_seq'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (variant_id, location_id),
  CONSTRAINT stock_level_reserved_within_on_hand CHECK (reserved <= on_hand)
);
CREATE INDEX stock_level_location ON stock_level (location_id, variant_id);
CREATE INDEX stock_level_change ON stock_level (change_seq);

-- The ledger: every change of on_hand is one row here, so on_hand = sum(delta) per level.
CREATE TABLE stock_movement (
  id text PRIMARY KEY,
  variant_id text NOT NULL,
  location_id text NOT NULL,
  delta int NOT NULL CHECK (delta <> 0),
  reason text NOT NULL CHECK (reason IN ('receipt', 'sale', 'return', 'adjustment', 'transfer_out', 'transfer_in', 'count')),
  reference_type text,
  reference_id text,
  note text,
  actor_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movement_level ON stock_movement (variant_id, location_id, id);
CREATE INDEX stock_movement_location ON stock_movement (location_id, id);

-- reserved = sum(quantity) of lines of active reservations, per level. A null expiry holds the
-- stock until the reservation is confirmed or released.
CREATE TABLE reservation (
  id text PRIMARY KEY,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'confirmed', 'released', 'expired')),
  channel_id text,
  reference_type text,
  reference_id text,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
CREATE INDEX reservation_due ON reservation (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;
CREATE INDEX reservation_reference ON reservation (reference_type, reference_id);

-- bundle_variant_id: the bundle a component line was reserved for (null for a plain line).
CREATE TABLE reservation_line (
  reservation_id text NOT NULL REFERENCES reservation(id),
  line_no int NOT NULL,
  variant_id text NOT NULL,
  location_id text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  bundle_variant_id text,
  PRIMARY KEY (reservation_id, line_no)
);

CREATE TABLE stock_transfer (
  id text PRIMARY KEY,
  source_location_id text NOT NULL,
  destination_location_id text NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_transit', 'received', 'cancelled')),
  note text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  shipped_at timestamptz,
  received_at timestamptz,
  cancelled_at timestamptz,
  CHECK (source_location_id <> destination_location_id)
);

CREATE TABLE stock_transfer_line (
  transfer_id text NOT NULL REFERENCES stock_transfer(id),
  variant_id text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  received_quantity int NOT NULL DEFAULT 0 CHECK (received_quantity >= 0 AND received_quantity <= quantity),
  PRIMARY KEY (transfer_id, variant_id)
);

CREATE TABLE stock_count (
  id text PRIMARY KEY,
  location_id text NOT NULL,
  lines jsonb NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- How a channel draws on stock: its kind ('pos' ignores store caps) and the locations serving it.
CREATE TABLE channel_stock_policy (
  channel_id text PRIMARY KEY,
  kind text NOT NULL DEFAULT 'online' CHECK (kind IN ('online', 'pos'))
);

CREATE TABLE channel_location (
  channel_id text NOT NULL,
  location_id text NOT NULL,
  priority int NOT NULL DEFAULT 0,
  PRIMARY KEY (channel_id, location_id)
);
CREATE INDEX channel_location_location ON channel_location (location_id);

-- variant_id '' is the default for every variant; a row with a variant id overrides it.
CREATE TABLE channel_safety_stock (
  channel_id text NOT NULL,
  variant_id text NOT NULL,
  quantity int NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (channel_id, variant_id)
);

-- The most a location lets online channels promise of its stock; variant_id '' as above.
CREATE TABLE online_cap (
  location_id text NOT NULL,
  variant_id text NOT NULL,
  cap int NOT NULL CHECK (cap >= 0),
  PRIMARY KEY (location_id, variant_id)
);

CREATE TABLE bundle_component (
  bundle_variant_id text NOT NULL,
  component_variant_id text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (bundle_variant_id, component_variant_id),
  CHECK (bundle_variant_id <> component_variant_id)
);
CREATE INDEX bundle_component_component ON bundle_component (component_variant_id);
