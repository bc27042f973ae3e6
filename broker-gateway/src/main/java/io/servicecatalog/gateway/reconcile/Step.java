package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.model.events.OperationResult;
import java.util.List;

/**
 * The outcome of one step of one operation: the row as it must be saved, and results to publish
 * once it is saved (progress reports, which must never get ahead of the durable state). Results
 * that must not be lost (final outcomes) are published by the handler before it returns.
 */
public record Step(OperationRecord record, List<OperationResult> afterSave) {

  public static Step of(OperationRecord record) {
    return new Step(record, List.of());
  }

  public static Step of(OperationRecord record, OperationResult afterSave) {
    return new Step(record, afterSave == null ? List.of() : List.of(afterSave));
  }
}
