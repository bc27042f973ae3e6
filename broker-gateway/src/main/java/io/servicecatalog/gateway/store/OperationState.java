package io.servicecatalog.gateway.store;

/** Where one OSB operation stands. The first four are worked on; the last three are final. */
public enum OperationState {
  /** The request is to be sent (first time, or again after a retriable failure). */
  PENDING,
  /** The broker answered 202: last_operation is polled with the stored token. */
  POLLING,
  /** A DELETE must be sent to undo what the broker may have created. */
  ORPHAN_MITIGATION,
  /** The orphan-mitigation DELETE was answered 202 and is polled. */
  OM_POLLING,
  SUCCEEDED,
  FAILED,
  /** Not needed any more (resource gone, deleting, or superseded) before anything was done. */
  CANCELLED;

  public boolean active() {
    return this == PENDING || this == POLLING || this == ORPHAN_MITIGATION || this == OM_POLLING;
  }
}
