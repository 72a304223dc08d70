-- Shoppers. One customer per contact: an email (lowercased) or a phone (E.164) belongs to at most
-- one customer. A customer made at guest checkout is unverified until someone signs in with it.
CREATE TABLE customer (
  id text PRIMARY KEY,
  email text UNIQUE,
  phone text UNIQUE,
  name text,
  birthday date,
  locale text CHECK (locale IN ('zh-CN', 'en')),
  email_verified_at timestamptz,
  phone_verified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- The live one-time sign-in code of one identity ('email:a@b.c' or 'phone:+86…'), and the send
-- counters that rate-limit it. One row per identity, so a new code replaces the old one, and a
-- single conditional upsert both checks the limits and issues the code on every replica.
CREATE TABLE customer_sign_in_code (
  identity text PRIMARY KEY,
  code_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  used_at timestamptz,
  last_sent_at timestamptz NOT NULL,
  window_started_at timestamptz NOT NULL,
  sent_in_window int NOT NULL
);

-- Tokens are random 256-bit secrets, so a SHA-256 of them is a safe lookup key.
CREATE TABLE customer_session (
  token_hash text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customer(id),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_session_customer ON customer_session (customer_id);
