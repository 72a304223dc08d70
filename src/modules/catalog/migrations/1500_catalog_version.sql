-- One row whose version moves with every change to what a storefront shows (channels, categories,
-- products, media, variants, prices, listings). Servers keep storefront pages in memory and check
-- this one primary-key row before serving one, so a change committed by any replica shows at once.
-- Statement triggers bump it, so no write path can forget to.
CREATE TABLE catalog_version (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);

CREATE FUNCTION catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER channel_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON channel FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER category_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON category FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER product_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON product FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER product_media_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON product_media FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER variant_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON variant FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER variant_price_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON variant_price FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER channel_price_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON channel_price FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
CREATE TRIGGER channel_listing_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON channel_listing FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();
