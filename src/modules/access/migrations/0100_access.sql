CREATE TABLE staff_user (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'operator', 'marketer', 'analyst', 'clerk')),
  store_ids text[] NOT NULL DEFAULT '{}',
  password_hash text NOT NULL,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Tokens are random 256-bit secrets, so a SHA-256 of them is a safe lookup key.
CREATE TABLE staff_session (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES staff_user(id),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_key (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('secret', 'publishable')),
  token_hash text NOT NULL UNIQUE,
  token_hint text NOT NULL,
  scopes text[] NOT NULL,
  created_by text,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
