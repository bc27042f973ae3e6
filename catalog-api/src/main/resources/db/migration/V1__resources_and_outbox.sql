-- Every catalog resource, whatever its kind, is one row: the whole Kubernetes-shaped object in
-- `body`, plus the columns the API looks objects up by.
CREATE SEQUENCE resource_version_seq;

CREATE TABLE resources (
    uid              uuid PRIMARY KEY,
    kind             text   NOT NULL,
    namespace        text   NOT NULL DEFAULT '',  -- '' for cluster-scoped kinds
    name             text   NOT NULL,
    resource_version bigint NOT NULL,
    generation       bigint NOT NULL,
    -- the object this one belongs to: a class's/plan's broker, a binding's instance
    owner_name       text,
    body             text   NOT NULL,
    CONSTRAINT resources_kind_namespace_name UNIQUE (kind, namespace, name)
);
CREATE INDEX resources_owner ON resources (kind, namespace, owner_name);

-- Transactional outbox: written in the same transaction as the change it describes and
-- removed by the relay once Kafka acknowledged it, so no change is lost or published early.
CREATE TABLE outbox (
    id          bigserial   PRIMARY KEY,
    topic       text        NOT NULL,
    message_key text        NOT NULL,
    payload     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
