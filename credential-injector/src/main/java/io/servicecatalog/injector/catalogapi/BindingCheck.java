package io.servicecatalog.injector.catalogapi;

/**
 * What catalog-api says about the binding an envelope or event is for.
 *
 * @param state whether credentials may be written for it
 * @param secretName the binding's {@code spec.secretName} (null when unset or unknown)
 */
public record BindingCheck(State state, String secretName) {

  public enum State {
    /** Exists with the expected uid and is not being deleted: write the Secret. */
    CURRENT,
    /** Has a deletionTimestamp: the Secret must go, not come. */
    DELETING,
    /** A binding of that name exists but with another uid: the envelope is for an old object. */
    REPLACED,
    /** No binding of that name. */
    GONE
  }
}
