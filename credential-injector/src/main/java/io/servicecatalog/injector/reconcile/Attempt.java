package io.servicecatalog.injector.reconcile;

/**
 * How one attempt at a piece of work ended. {@code message} explains a failure in words fit for
 * a status condition: it never carries credentials.
 */
public record Attempt(Kind kind, String message) {

  public enum Kind {
    /** Converged (or nothing to do): acknowledge the input. */
    DONE,
    /** Failed for a reason that may pass (API down, conflict): report, back off, try again. */
    RETRY,
    /** Failed for a reason retrying cannot fix (tampered envelope, invalid transform): report. */
    FAILED
  }

  public static Attempt done() {
    return new Attempt(Kind.DONE, null);
  }

  public static Attempt retry(String message) {
    return new Attempt(Kind.RETRY, message);
  }

  public static Attempt failed(String message) {
    return new Attempt(Kind.FAILED, message);
  }
}
