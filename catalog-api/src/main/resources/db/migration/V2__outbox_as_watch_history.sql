-- The outbox doubles as the change history that watches resume from: rows are kept (marked
-- published) for a retention window instead of being deleted on publish.
ALTER TABLE outbox ADD COLUMN resource_version bigint;
ALTER TABLE outbox ADD COLUMN kind text;
ALTER TABLE outbox ADD COLUMN namespace text;
ALTER TABLE outbox ADD COLUMN published_at timestamptz;
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_resource_version ON outbox (resource_version);
CREATE INDEX outbox_created_at ON outbox (created_at);

-- Highest resourceVersion whose history was pruned: a watch from an older version gets 410 Gone.
CREATE TABLE watch_horizon (
    id             int    PRIMARY KEY CHECK (id = 1),
    pruned_through bigint NOT NULL
);
INSERT INTO watch_horizon VALUES (1, 0);
