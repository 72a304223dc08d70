-- Beside the version number, a random stamp drawn by every statement that changes the catalog.
-- What a server keeps in memory by stamp stays right after a rollback: a rolled-back change's
-- version number comes back with the next committed change, its stamp never does.
ALTER TABLE catalog_version ADD COLUMN stamp text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);

CREATE OR REPLACE FUNCTION catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_version SET version = version + 1, stamp = md5(random()::text || clock_timestamp()::text) WHERE id = 1;
  RETURN NULL;
END
$$;
