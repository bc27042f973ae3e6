-- broker-gateway's own record of the OSB conversation: one row per (resource uid, operation,
-- key). The Kafka consumer only inserts rows; workers claim due rows with a lease and move them
-- through their states, so a restart or a second replica resumes exactly where the last step
-- left off. Credentials are never stored here.
CREATE TABLE operations (
    id                     BIGSERIAL PRIMARY KEY,
    resource_kind          TEXT        NOT NULL,
    resource_namespace     TEXT,
    resource_name          TEXT        NOT NULL,
    resource_uid           TEXT        NOT NULL,
    operation              TEXT        NOT NULL,   -- FETCH_CATALOG, PROVISION, DEPROVISION, BIND, UNBIND
    op_key                 TEXT        NOT NULL,   -- "once" or e.g. "generation:3" for catalog fetches
    generation             BIGINT,
    state                  TEXT        NOT NULL,   -- PENDING, POLLING, ORPHAN_MITIGATION, OM_POLLING, SUCCEEDED, FAILED, CANCELLED

    -- what the request was sent with (needed to poll, retry or orphan-mitigate it)
    broker_name            TEXT,
    broker_url             TEXT,
    broker_insecure        BOOLEAN     NOT NULL DEFAULT FALSE,
    broker_ca_bundle       TEXT,
    auth_type              TEXT,                   -- basic | bearer
    auth_secret_namespace  TEXT,
    auth_secret_name       TEXT,
    instance_id            TEXT,                   -- OSB instance_id
    binding_id             TEXT,                   -- OSB binding_id
    service_id             TEXT,
    plan_id                TEXT,
    originating_identity   TEXT,                   -- header value (user name/uid/groups), not a secret

    -- asynchronous progress
    operation_token        TEXT,
    dashboard_url          TEXT,
    last_description       TEXT,
    poll_interval_ms       BIGINT,
    poll_deadline          TIMESTAMPTZ,
    om_then                TEXT,                   -- after orphan mitigation: RETRY, FAIL or CANCEL

    -- last outcome
    request_identity       TEXT,
    http_status            INTEGER,
    reason                 TEXT,
    message                TEXT,
    terminal               BOOLEAN     NOT NULL DEFAULT FALSE,

    -- scheduling and ownership
    attempts               INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at        TIMESTAMPTZ NOT NULL,
    started_at             TIMESTAMPTZ NOT NULL,
    retry_deadline         TIMESTAMPTZ NOT NULL,
    lease_owner            TEXT,
    lease_until            TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at            TIMESTAMPTZ,

    CONSTRAINT operations_resource_operation_key UNIQUE (resource_uid, operation, op_key)
);

-- The claim query: due, unfinished rows in due order.
CREATE INDEX operations_due ON operations (next_attempt_at)
    WHERE state IN ('PENDING', 'POLLING', 'ORPHAN_MITIGATION', 'OM_POLLING');
CREATE INDEX operations_state ON operations (state);
