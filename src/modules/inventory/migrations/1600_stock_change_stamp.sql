-- Every change of a level is stamped by one trigger: the next change_seq, and the transaction that
-- made it. The stock feed pages by change_seq, but a sequence value is drawn before its transaction
-- commits, so a reader could pass a value whose change was still in flight and never see it. With
-- the writer's transaction id, the feed also returns every change that was invisible to its
-- previous read (pg_visible_in_snapshot), whatever its sequence number.
ALTER TABLE stock_level ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX stock_level_change_xid ON stock_level (change_xid);

CREATE FUNCTION stock_level_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_seq := nextval('stock_change_seq');
  NEW.change_xid := pg_current_xact_id();
  RETURN NEW;
END
$$;

CREATE TRIGGER stock_level_stamp BEFORE INSERT OR UPDATE ON stock_level FOR EACH ROW EXECUTE FUNCTION stock_level_stamp();
