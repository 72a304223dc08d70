-- The database's floor under scenario 1 of the O2O benchmark: the rows a checkout reads and writes,
-- as plain SQL sent by pgbench with no server in between. It mirrors the checkout's transaction
-- statement for statement (the cart locked, channel and variants read, the promotions' stamp, the
-- store, the guest's customer, the order with its lines, fulfilment and cart, the payment with its
-- callback, the stock reserved last) with the same rows, indexes and outbox events, but none of the
-- server's work: no pricing, no checks, no JSON building.
-- :batch checkouts share each transaction and its statements (1 is the checkout as the server sends
-- it; more shows what coalescing concurrent checkouts would leave of the database's share). Order g
-- of a transaction takes cart k + g and SKUs a + 37g, a + 37g + 101 and a + 37g + 202 (mod :skus),
-- distinct ones with more than 202 SKUs; everything is locked in key order, as the server does, so batches cannot
-- deadlock.
-- Variables: :channel, :location, :skus and :carts (the rows of bench_floor_sku and bench_floor_cart);
-- :batch is written into the text as a number before pgbench reads it, so each statement is planned
-- knowing how many rows it makes, as the server's are.
\set a random(1, :skus)
\set k random(1, :carts - :batch + 1)
\set r random(1, 1000000000000)
BEGIN;
SELECT c.*, (SELECT json_agg(l) FROM cart_line l WHERE l.cart_id = c.id) AS lines
  FROM cart c WHERE c.id IN (SELECT id FROM bench_floor_cart WHERE n BETWEEN :k AND :k + :batch - 1) ORDER BY c.id FOR UPDATE;
SELECT c.id, v.id, v.sku, p.title, l.variant_id, dp.amount
  FROM channel c
  JOIN bench_floor_sku s ON s.n IN (SELECT 1 + (:a + g * 37 + j * 101) % :skus FROM generate_series(0, :batch - 1) g, generate_series(0, 2) j)
  JOIN variant v ON v.id = s.id JOIN product p ON p.id = v.product_id
  LEFT JOIN channel_listing l ON l.variant_id = v.id AND l.channel_id = c.id
  LEFT JOIN variant_price dp ON dp.variant_id = v.id AND dp.currency = c.currency
  WHERE c.id = :channel::text;
SELECT v.stamp FROM promotion_version v LIMIT 1;
SELECT * FROM location WHERE id = :location::text;
INSERT INTO customer (id, email)
  SELECT 'cus_' || :r || '_' || :client_id || '_' || g, 'shopper' || ((:r::bigint + g) % 500) || '@floor.omniloop.dev' FROM generate_series(0, :batch - 1) g ORDER BY 2
  ON CONFLICT (email) DO UPDATE SET updated_at = now() RETURNING id;
WITH o AS (
  INSERT INTO sales_order (id, channel_id, channel_kind, cart_id, status, currency, subtotal, discount_total, shipping_total, tax_included, grand_total, payment_id, location_ids, payment_due_at, placed_by)
  SELECT 'ord_' || :r || '_' || :client_id || '_' || g, :channel::text, 'web', NULL, 'pending_payment', 'CNY', 39902, 0, 0, 4590, 39902, 'pay_' || :r || '_' || :client_id || '_' || g, ARRAY[:location::text], now() + interval '30 minutes', 'key_floor'
  FROM generate_series(0, :batch - 1) g
  RETURNING id
), f AS (
  INSERT INTO fulfillment (id, order_id, type, location_id, status, reservation_id)
  SELECT 'ful_' || :r || '_' || :client_id || '_' || g, 'ord_' || :r || '_' || :client_id || '_' || g, 'pickup', :location::text, 'pending', 'res_' || :r || '_' || :client_id || '_' || g
  FROM generate_series(0, :batch - 1) g
), l AS (
  INSERT INTO order_line (id, order_id, fulfillment_id, variant_id, product_id, sku, title, product_type, quantity, unit_price, price_source, subtotal, discount, total, tax_included)
  SELECT 'oli_' || :r || '_' || :client_id || '_' || g || '_' || j, 'ord_' || :r || '_' || :client_id || '_' || g, 'ful_' || :r || '_' || :client_id || '_' || g,
    v.id, v.product_id, v.sku, v.title, 'physical', 1, 13300, 'default', 13300, 0, 13300, 1530
  FROM generate_series(0, :batch - 1) g CROSS JOIN generate_series(0, 2) j JOIN bench_floor_sku s ON s.n = 1 + (:a + g * 37 + j * 101) % :skus JOIN variant v ON v.id = s.id
), cart AS (
  UPDATE cart SET status = 'checked_out', updated_at = now() WHERE id IN (SELECT id FROM bench_floor_cart WHERE n BETWEEN :k AND :k + :batch - 1)
)
INSERT INTO outbox_event (id, type, aggregate_id, payload)
  SELECT 'evt_' || o.id || '_' || t, t, o.id, jsonb_build_object('orderId', o.id, 'status', 'pending_payment', 'grandTotal', 39902, 'locationIds', jsonb_build_array(:location::text))
  FROM o, unnest(ARRAY['order.placed', 'customer.created']) AS t;
WITH p AS (
  INSERT INTO payment (id, reference_type, reference_id, provider, status, amount, currency, provider_ref)
  SELECT 'pay_' || :r || '_' || :client_id || '_' || g, 'order', 'ord_' || :r || '_' || :client_id || '_' || g, 'test', 'authorized', 39902, 'CNY', 'tst_' || :r || '_' || :client_id || '_' || g
  FROM generate_series(0, :batch - 1) g
  RETURNING id
), cb AS (
  INSERT INTO payment_test_callback (payment_id, outcome, status) SELECT id, 'captured', 'sent' FROM p
)
INSERT INTO outbox_event (id, type, aggregate_id, payload)
  SELECT 'evt_' || p.id || '_' || t, t, p.id, jsonb_build_object('paymentId', p.id, 'amount', 39902) FROM p, unnest(ARRAY['payment.created', 'payment.authorized']) AS t;
WITH taken AS (
  SELECT g, j, s.id AS variant_id FROM generate_series(0, :batch - 1) g CROSS JOIN generate_series(0, 2) j JOIN bench_floor_sku s ON s.n = 1 + (:a + g * 37 + j * 101) % :skus
), need AS (
  SELECT variant_id, count(*)::int AS quantity FROM taken GROUP BY variant_id
), locked AS MATERIALIZED (
  SELECT l.variant_id, need.quantity FROM stock_level l JOIN need USING (variant_id) WHERE l.location_id = :location::text ORDER BY l.variant_id FOR UPDATE OF l
), lvl AS (
  UPDATE stock_level l SET reserved = l.reserved + locked.quantity, updated_at = now() FROM locked
  WHERE l.variant_id = locked.variant_id AND l.location_id = :location::text RETURNING l.variant_id, l.on_hand, l.reserved
), res AS (
  INSERT INTO reservation (id, channel_id, reference_type, reference_id)
  SELECT 'res_' || :r || '_' || :client_id || '_' || g, :channel::text, 'order', 'ord_' || :r || '_' || :client_id || '_' || g FROM generate_series(0, :batch - 1) g
), line AS (
  INSERT INTO reservation_line (reservation_id, line_no, variant_id, location_id, quantity)
  SELECT 'res_' || :r || '_' || :client_id || '_' || g, j + 1, variant_id, :location::text, 1 FROM taken
), made AS (
  INSERT INTO outbox_event (id, type, aggregate_id, payload)
  SELECT 'evt_' || :r || '_' || :client_id || '_res' || g, 'reservation.created', 'res_' || :r || '_' || :client_id || '_' || g, '{}'::jsonb FROM generate_series(0, :batch - 1) g
)
INSERT INTO outbox_event (id, type, aggregate_id, payload)
  SELECT 'evt_' || :r || '_' || :client_id || '_' || variant_id, 'stock.changed', variant_id,
    jsonb_build_object('variantId', variant_id, 'locationId', :location::text, 'onHand', on_hand, 'reserved', reserved, 'available', on_hand - reserved)
  FROM lvl;
COMMIT;
