package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code state} of a last_operation answer, with the spec's wire strings. */
public enum LastOperationState {
  IN_PROGRESS("in progress"),
  SUCCEEDED("succeeded"),
  FAILED("failed");

  private final String wire;

  LastOperationState(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** Null for anything the spec does not define (an invalid answer: keep polling). */
  @JsonCreator
  public static LastOperationState fromWire(String value) {
    for (LastOperationState s : values()) {
      if (s.wire.equals(value)) {
        return s;
      }
    }
    return null;
  }
}
