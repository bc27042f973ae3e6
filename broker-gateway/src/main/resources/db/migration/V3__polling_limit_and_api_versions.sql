-- The plan's maximum_polling_duration (seconds) of a provision, bind or rotation, kept on the row
-- so an orphan-mitigation DELETE answered 202 is polled within it too (and within the
-- platform's servicecatalog.polling.max-duration).
ALTER TABLE operations
    ADD COLUMN max_polling_seconds BIGINT;

-- The OSB API version each broker accepted after a 412 (X-Broker-API-Version fallback), so a
-- restarted process, or another replica, does not negotiate again. Catalog fetches still start
-- from 2.17 and update the row with what the broker accepts then.
CREATE TABLE broker_api_versions (
    broker_key  TEXT PRIMARY KEY,                -- "ClusterServiceBroker/name" | "ServiceBroker/ns/name"
    api_version TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
