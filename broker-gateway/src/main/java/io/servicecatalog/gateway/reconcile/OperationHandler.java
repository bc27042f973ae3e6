package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.smallrye.mutiny.Uni;
import java.util.Set;

/** Executes one step of the operations it owns, for one claimed row. */
public interface OperationHandler {

  Set<Operation> operations();

  /** The row passed in is the caller's copy: mutate and return it inside the {@link Step}. */
  Uni<Step> step(OperationRecord op);
}
