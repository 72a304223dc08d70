-- Carts are priced live from channel prices; only what the shopper chose is stored. A guest cart
-- is addressed by its id alone, which carries 80 random bits.
CREATE TABLE cart (
  id text PRIMARY KEY,
  channel_id text NOT NULL,
  currency text NOT NULL,
  customer_id text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'checked_out')),
  -- The default fulfilment for lines without their own: { type, locationId?, address?, point? }.
  fulfillment jsonb,
  order_id text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cart_customer ON cart (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE cart_line (
  id text PRIMARY KEY,
  cart_id text NOT NULL REFERENCES cart(id) ON DELETE CASCADE,
  variant_id text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  fulfillment_type text,
  location_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cart_id, variant_id)
);

CREATE TABLE sales_order (
  id text PRIMARY KEY,
  channel_id text NOT NULL,
  channel_kind text NOT NULL,
  -- One order per cart: two concurrent checkouts of one cart cannot both succeed.
  cart_id text UNIQUE,
  customer_id text,
  email text,
  phone text,
  status text NOT NULL,
  currency text NOT NULL,
  subtotal bigint NOT NULL,
  discount_total bigint NOT NULL,
  shipping_total bigint NOT NULL,
  tax_included bigint NOT NULL,
  grand_total bigint NOT NULL,
  paid_amount bigint NOT NULL DEFAULT 0,
  refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount <= paid_amount),
  payment_id text,
  payment_method text,
  tendered bigint,
  change_due bigint,
  -- Every location a fulfilment of this order runs at: what clerks of those stores may see.
  location_ids text[] NOT NULL DEFAULT '{}',
  shipping_adjustments jsonb NOT NULL DEFAULT '[]',
  payment_due_at timestamptz,
  hold_expires_at timestamptz,
  placed_by text NOT NULL,
  paid_at timestamptz,
  fulfilled_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_order_customer ON sales_order (customer_id, id);
CREATE INDEX sales_order_locations ON sales_order USING gin (location_ids);
CREATE INDEX sales_order_unpaid ON sales_order (payment_due_at) WHERE status = 'pending_payment';
CREATE INDEX sales_order_held ON sales_order (hold_expires_at) WHERE status = 'reserved';
CREATE INDEX sales_order_to_complete ON sales_order (fulfilled_at) WHERE status = 'fulfilled';

CREATE TABLE fulfillment (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES sales_order(id),
  type text NOT NULL CHECK (type IN ('delivery', 'ship_from_store', 'pickup', 'reserve_try', 'voucher', 'pos')),
  location_id text,
  status text NOT NULL,
  reservation_id text,
  pickup_code text,
  shipping_address jsonb,
  carrier text,
  tracking_number text,
  ready_at timestamptz,
  no_show_at timestamptz,
  fulfilled_at timestamptz,
  fulfilled_by text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fulfillment_order ON fulfillment (order_id);
-- A pickup code names one open pickup at its store.
CREATE UNIQUE INDEX fulfillment_open_pickup_code ON fulfillment (location_id, pickup_code)
  WHERE type = 'pickup' AND status IN ('pending', 'ready');
CREATE INDEX fulfillment_no_show ON fulfillment (no_show_at) WHERE status = 'ready';

CREATE TABLE order_line (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES sales_order(id),
  fulfillment_id text NOT NULL REFERENCES fulfillment(id),
  variant_id text NOT NULL,
  product_id text NOT NULL,
  sku text NOT NULL,
  title text NOT NULL,
  product_type text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  unit_price bigint NOT NULL,
  price_source text NOT NULL,
  subtotal bigint NOT NULL,
  discount bigint NOT NULL,
  total bigint NOT NULL,
  tax_included bigint NOT NULL,
  adjustments jsonb NOT NULL DEFAULT '[]',
  returned_quantity int NOT NULL DEFAULT 0 CHECK (returned_quantity <= quantity),
  refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount <= total)
);
CREATE INDEX order_line_order ON order_line (order_id, id);

CREATE TABLE order_return (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES sales_order(id),
  location_id text NOT NULL,
  reason text NOT NULL,
  amount bigint NOT NULL,
  received_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_return_order ON order_return (order_id);

CREATE TABLE order_return_line (
  return_id text NOT NULL REFERENCES order_return(id),
  order_line_id text NOT NULL REFERENCES order_line(id),
  quantity int NOT NULL CHECK (quantity > 0),
  amount bigint NOT NULL,
  PRIMARY KEY (return_id, order_line_id)
);

CREATE TABLE order_refund (
  id text PRIMARY KEY,
  order_id text NOT NULL REFERENCES sales_order(id),
  payment_id text NOT NULL,
  return_id text REFERENCES order_return(id),
  amount bigint NOT NULL CHECK (amount > 0),
  reason text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_refund_order ON order_refund (order_id);
