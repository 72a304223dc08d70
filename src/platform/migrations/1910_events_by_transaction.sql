-- The events API lists events in (xid, id) order, as the relay does; an exact type is listed from
-- its own index in that order.
DROP INDEX outbox_event_type;
CREATE INDEX outbox_event_type ON outbox_event (type, xid, id);
