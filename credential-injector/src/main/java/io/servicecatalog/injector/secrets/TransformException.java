package io.servicecatalog.injector.secrets;

/**
 * A secret transform that cannot be applied. {@code retriable} when the cause may go away on its
 * own (a referenced Secret not created yet), not when the transform itself is wrong. Messages name
 * transforms, keys and Secrets, never credential values.
 */
public class TransformException extends Exception {
  private final boolean retriable;

  public TransformException(String message, boolean retriable) {
    super(message, null, false, false);
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
