-- What a cart asks for beyond its lines: coupon codes and points to pay with, and per line the
-- special offer (flash sale, group buy) it is bought under.
ALTER TABLE cart ADD COLUMN coupon_codes text[] NOT NULL DEFAULT '{}';
ALTER TABLE cart ADD COLUMN points integer NOT NULL DEFAULT 0 CHECK (points >= 0);
ALTER TABLE cart_line ADD COLUMN offer_kind text;
ALTER TABLE cart_line ADD COLUMN offer_id text;

-- What an order used, kept for the record and for giving it back on cancel; and an order that waits
-- for its offer (a group buy filling up) before any of it is fulfilled.
ALTER TABLE sales_order ADD COLUMN coupon_codes text[] NOT NULL DEFAULT '{}';
ALTER TABLE sales_order ADD COLUMN points_spent integer NOT NULL DEFAULT 0;
ALTER TABLE sales_order ADD COLUMN waiting_for text;
