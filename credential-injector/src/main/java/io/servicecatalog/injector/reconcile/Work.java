package io.servicecatalog.injector.reconcile;

import io.servicecatalog.model.events.OperationResult;

/** One unit of reconcile work for a binding, attempted until done, failed or given up. */
public interface Work {

  /** Work for the same binding never runs concurrently. */
  String bindingUid();

  /** Newer work with the same key supersedes pending retries of older work. */
  default String key() {
    return operation() + "/" + bindingUid();
  }

  OperationResult.Operation operation();

  /** For logs and the retries endpoint: which binding and what, never credentials. */
  String describe();

  Attempt attempt();

  /** Publishes a FAILED result; false when it could not be published. */
  boolean reportFailure(String message, boolean terminal);
}
