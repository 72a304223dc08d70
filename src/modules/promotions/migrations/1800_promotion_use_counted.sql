-- A promotion without a usage limit or budget no longer takes its row's lock for every order: its
-- uses are written uncounted and the worker adds them to the counters in batches (a store-wide
-- offer would otherwise queue every checkout on one row). Limited promotions are counted in the
-- order's own transaction as before. `counted` says whether a use is in its promotion's counters.
ALTER TABLE promotion_use ADD COLUMN counted boolean NOT NULL DEFAULT true;
CREATE INDEX promotion_use_uncounted ON promotion_use (promotion_id) WHERE NOT counted;
