package io.servicecatalog.injector.catalogapi;

import java.util.Map;

/**
 * What catalog-api says about the binding an envelope or event is for.
 *
 * @param state whether credentials may be written for it
 * @param secretName the binding's {@code spec.secretName} (null when unset or unknown)
 * @param annotations the binding's {@code metadata.annotations} (never null); they choose the
 *     Secret's layout
 * @param injected whether {@code status.binding} names a Secret, i.e. catalog-api recorded that
 *     the Secret was written
 */
public record BindingCheck(
    State state, String secretName, Map<String, String> annotations, boolean injected) {

  public BindingCheck {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public BindingCheck(State state, String secretName) {
    this(state, secretName, Map.of(), false);
  }

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
