package io.servicecatalog.gateway.params;

/**
 * The parameters of a request cannot be built or are invalid. {@code terminal}: retrying cannot
 * help until the resource's spec changes (a schema violation); otherwise a Secret may still be
 * created or fixed. The message names parameters and Secrets, never values.
 */
public class ParametersException extends RuntimeException {
  private final boolean terminal;
  private final String reason;

  public ParametersException(String reason, String message, boolean terminal) {
    super(message);
    this.reason = reason;
    this.terminal = terminal;
  }

  public boolean terminal() {
    return terminal;
  }

  public String reason() {
    return reason;
  }
}
