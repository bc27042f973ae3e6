package io.servicecatalog.gateway.store;

import io.servicecatalog.model.events.OperationResult.Operation;

/** A decision to record: this resource needs this operation (idempotent by uid, operation, key). */
public record NewOperation(
    String resourceKind,
    String resourceNamespace,
    String resourceName,
    String resourceUid,
    Long generation,
    Operation operation,
    String opKey) {}
