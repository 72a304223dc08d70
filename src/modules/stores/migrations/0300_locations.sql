-- Stock locations: the brand's (and partner merchants') stores and warehouses.
CREATE TABLE location (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('store', 'warehouse')),
  code text NOT NULL,
  name text NOT NULL,
  address jsonb NOT NULL,
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  timezone text NOT NULL,
  opening_hours jsonb NOT NULL DEFAULT '{}',
  exceptions jsonb NOT NULL DEFAULT '[]',
  services text[] NOT NULL DEFAULT '{}',
  priority integer NOT NULL DEFAULT 0,
  partner_id text,
  active boolean NOT NULL DEFAULT true,
  phone text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT location_code_key UNIQUE (code)
);

-- The store locator narrows by a latitude band (then longitude) before computing great-circle
-- distances, so it reads only the index entries near the point even with thousands of stores.
CREATE INDEX location_geo ON location (lat, lng) WHERE active;
CREATE INDEX location_partner ON location (partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX location_city ON location (lower(address->>'city'));
CREATE INDEX location_services ON location USING gin (services);
