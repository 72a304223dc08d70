-- Servers follow the promotions' version stamp and the counters of limited promotions by
-- notification (src/modules/promotions/live.ts) instead of reading them for every cart price.
-- Payloads carry absolute values, so applying them in delivery (commit) order gives the stored state.

CREATE FUNCTION promotion_version_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('promotion_version', NEW.stamp);
  RETURN NULL;
END
$$;

CREATE TRIGGER promotion_version_changed AFTER UPDATE ON promotion_version
  FOR EACH ROW EXECUTE FUNCTION promotion_version_notify();

-- Only limited promotions: an unlimited one's counters never change what a cart gets.
CREATE FUNCTION promotion_counters_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('promotion_counters', NEW.id || ' ' || NEW.used || ' ' || NEW.spent);
  RETURN NULL;
END
$$;

CREATE TRIGGER promotion_counters_changed AFTER UPDATE OF used, spent ON promotion
  FOR EACH ROW WHEN (NEW.usage_limit IS NOT NULL OR NEW.budget IS NOT NULL)
  EXECUTE FUNCTION promotion_counters_notify();
