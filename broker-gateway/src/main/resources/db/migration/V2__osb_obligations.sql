-- OSB 2.17 obligations: updates, namespaced brokers, serialization per instance, the "request
-- sent, outcome not recorded" state, binding rotation and the facts needed to poll an update.

ALTER TABLE operations
    -- Operations with the same key are sent one at a time: "<namespace>/<instance name>" for an
    -- instance and for every binding of it. NULL: no serialization (catalog fetches).
    ADD COLUMN serial_key                   TEXT,
    ADD COLUMN broker_kind                  TEXT,        -- ClusterServiceBroker | ServiceBroker
    ADD COLUMN broker_namespace             TEXT,        -- namespaced ServiceBroker only
    ADD COLUMN request_timeout_ms           BIGINT,      -- per-broker request timeout
    ADD COLUMN previous_plan_id             TEXT,        -- UPDATE: the plan before (polled with it)
    ADD COLUMN maintenance_version          TEXT,        -- maintenance_info.version sent
    ADD COLUMN previous_maintenance_version TEXT,        -- UPDATE: previous_values.maintenance_info
    ADD COLUMN parameters_checksum          TEXT,        -- sha256 of the parameters sent (never the values)
    ADD COLUMN plan_change                  BOOLEAN,     -- UPDATE: plan_id was part of the request
    ADD COLUMN predecessor_binding_id       TEXT,        -- ROTATE_BINDING / UNBIND_PREDECESSOR
    ADD COLUMN rotation_requests            BIGINT,      -- ROTATE_BINDING: spec.rotationRequests answered
    ADD COLUMN expires_at                   TIMESTAMPTZ, -- binding metadata expires_at
    ADD COLUMN renew_before                 TIMESTAMPTZ, -- binding metadata renew_before
    ADD COLUMN instance_usable              BOOLEAN,     -- last instance_usable the broker reported
    ADD COLUMN update_repeatable            BOOLEAN,     -- last update_repeatable the broker reported
    ADD COLUMN last_worker                  TEXT;        -- owner id of the process that saved the last step

-- Rows written before this migration: instances serialize on their own name.
UPDATE operations SET serial_key = resource_namespace || '/' || resource_name
    WHERE resource_kind = 'ServiceInstance' AND serial_key IS NULL;

-- SENT (request on the wire, outcome not recorded yet) is worked on too.
DROP INDEX operations_due;
CREATE INDEX operations_due ON operations (next_attempt_at)
    WHERE state IN ('PENDING', 'SENT', 'POLLING', 'ORPHAN_MITIGATION', 'OM_POLLING');
CREATE INDEX operations_serial ON operations (serial_key)
    WHERE state IN ('PENDING', 'SENT', 'POLLING', 'ORPHAN_MITIGATION', 'OM_POLLING');
