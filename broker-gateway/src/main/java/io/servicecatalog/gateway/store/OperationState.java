package io.servicecatalog.gateway.store;

/** Where one OSB operation stands. The first five are worked on; the last three are final. */
public enum OperationState {
  /** The request is to be sent (first time, or again after a retriable failure). */
  PENDING,
  /**
   * A create or update request is on the wire; its outcome is not recorded yet. Found by another
   * process (the sender died), the outcome is unknown: a provision or bind then gets orphan
   * mitigation before it is retried (spec: the platform's own failure to record a creation).
   */
  SENT,
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
    return this == PENDING || this == SENT || this == POLLING || this == ORPHAN_MITIGATION || this == OM_POLLING;
  }
}
