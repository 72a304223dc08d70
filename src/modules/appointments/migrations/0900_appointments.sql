-- Services a store books by time slot: an eye test, a fitting, an installation visit.
CREATE TABLE appointment_service (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('experience', 'fitting', 'optometry', 'installation', 'repair')),
  name text NOT NULL,
  description text,
  duration_minutes int NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
  slot_minutes int NOT NULL CHECK (slot_minutes BETWEEN 5 AND 1440),
  capacity int NOT NULL CHECK (capacity >= 1),
  lead_minutes int NOT NULL CHECK (lead_minutes >= 0),
  horizon_days int NOT NULL CHECK (horizon_days BETWEEN 0 AND 366),
  price_amount bigint CHECK (price_amount >= 0),
  price_currency text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((price_amount IS NULL) = (price_currency IS NULL))
);

-- Stores offering a service; hours NULL means the store's own opening hours.
CREATE TABLE appointment_service_location (
  service_id text NOT NULL REFERENCES appointment_service(id),
  location_id text NOT NULL,
  hours jsonb,
  PRIMARY KEY (service_id, location_id)
);
CREATE INDEX appointment_service_location_by_location ON appointment_service_location (location_id);

-- Seats taken per slot. Bookings move `booked` with conditional updates against the service's
-- capacity, so concurrent requests never overfill a slot.
CREATE TABLE appointment_slot (
  service_id text NOT NULL,
  location_id text NOT NULL,
  slot_start timestamptz NOT NULL,
  booked int NOT NULL CHECK (booked >= 0),
  PRIMARY KEY (service_id, location_id, slot_start)
);

CREATE TABLE appointment (
  id text PRIMARY KEY,
  service_id text NOT NULL REFERENCES appointment_service(id),
  location_id text NOT NULL,
  slot_start timestamptz NOT NULL,
  slot_end timestamptz NOT NULL,
  -- The store's zone when booked, so lists show local times without asking the stores module.
  time_zone text NOT NULL,
  status text NOT NULL CHECK (status IN ('booked', 'checked_in', 'cancelled', 'no_show')),
  customer_id text,
  contact jsonb,
  order_id text,
  order_line_id text,
  note text,
  booked_by text NOT NULL,
  cancel_reason text,
  checked_in_at timestamptz,
  cancelled_at timestamptz,
  no_show_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (customer_id IS NOT NULL OR contact IS NOT NULL)
);
CREATE INDEX appointment_by_location_time ON appointment (location_id, slot_start);
CREATE INDEX appointment_by_customer ON appointment (customer_id, slot_start);
-- An order line (an installation bought with the product) has at most one live appointment.
CREATE UNIQUE INDEX appointment_order_line_key ON appointment (order_id, order_line_id) WHERE order_line_id IS NOT NULL AND status IN ('booked', 'checked_in');
