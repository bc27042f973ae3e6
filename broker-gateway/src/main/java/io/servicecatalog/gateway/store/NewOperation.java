package io.servicecatalog.gateway.store;

import io.servicecatalog.model.events.OperationResult.Operation;
import java.time.Instant;

/**
 * A decision to record: this resource needs this operation (idempotent by uid, operation, key).
 * {@code serialKey} groups operations that must not run at the same time (an instance and its
 * bindings); {@code notBefore} delays the first attempt (null: now); {@code rearmFinishedBefore}
 * lets a finished row with the same key run again once it finished before that time (periodic
 * checks keep one row per resource that way).
 */
public record NewOperation(
    String resourceKind,
    String resourceNamespace,
    String resourceName,
    String resourceUid,
    Long generation,
    Operation operation,
    String opKey,
    String serialKey,
    Instant notBefore,
    Instant rearmFinishedBefore) {

  public NewOperation(String resourceKind, String resourceNamespace, String resourceName, String resourceUid,
      Long generation, Operation operation, String opKey, String serialKey) {
    this(resourceKind, resourceNamespace, resourceName, resourceUid, generation, operation, opKey, serialKey, null, null);
  }

  public NewOperation rearmingWhenFinishedBefore(Instant before) {
    return new NewOperation(resourceKind, resourceNamespace, resourceName, resourceUid, generation, operation, opKey,
        serialKey, notBefore, before);
  }
}
