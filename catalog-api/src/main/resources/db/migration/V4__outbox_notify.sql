-- Every committed change wakes the watches and relays of all replicas at once (NOTIFY is
-- delivered on commit, never for a rolled-back transaction). The payload is the resource kind,
-- so a watch of another kind is not woken; PostgreSQL folds identical payloads of one transaction.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('catalog_api_outbox', coalesce(NEW.kind, ''));
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_notify();
