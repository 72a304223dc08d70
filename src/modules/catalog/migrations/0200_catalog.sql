-- Sales channels: where the merchant sells (web shop, app, mini-program, marketplace, store POS, ...).
CREATE TABLE channel (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('web', 'app', 'mini_program', 'marketplace', 'social', 'pos', 'locker')),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE category (
  id text PRIMARY KEY,
  parent_id text REFERENCES category(id),
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  position int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX category_parent ON category (parent_id);

-- Service products (e-vouchers, appointments) carry no stock; inventory reads `type` to know.
CREATE TABLE product (
  id text PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  category_id text REFERENCES category(id),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
  type text NOT NULL DEFAULT 'physical' CHECK (type IN ('physical', 'service')),
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX product_category ON product (category_id, id);

CREATE TABLE product_media (
  id text PRIMARY KEY,
  product_id text NOT NULL REFERENCES product(id) ON DELETE CASCADE,
  url text NOT NULL,
  alt text NOT NULL DEFAULT '',
  position int NOT NULL DEFAULT 0
);
CREATE INDEX product_media_product ON product_media (product_id, position);

CREATE TABLE variant (
  id text PRIMARY KEY,
  product_id text NOT NULL REFERENCES product(id),
  sku text NOT NULL UNIQUE,
  barcode text UNIQUE,
  title text NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  position int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX variant_product ON variant (product_id, position);

-- The price a variant sells at everywhere, per currency, in minor units.
CREATE TABLE variant_price (
  variant_id text NOT NULL REFERENCES variant(id),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (variant_id, currency)
);

-- An explicit exception to the default price on one channel.
CREATE TABLE channel_price (
  channel_id text NOT NULL REFERENCES channel(id),
  variant_id text NOT NULL REFERENCES variant(id),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount bigint NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (channel_id, variant_id, currency)
);
CREATE INDEX channel_price_variant ON channel_price (variant_id);

-- Which variants sell on which channel. product_id is copied from the variant (which never moves
-- to another product) so the storefront pages through a channel's products on one index.
CREATE TABLE channel_listing (
  channel_id text NOT NULL REFERENCES channel(id),
  variant_id text NOT NULL REFERENCES variant(id),
  product_id text NOT NULL REFERENCES product(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, variant_id)
);
CREATE INDEX channel_listing_product ON channel_listing (channel_id, product_id);
CREATE INDEX channel_listing_variant ON channel_listing (variant_id);
