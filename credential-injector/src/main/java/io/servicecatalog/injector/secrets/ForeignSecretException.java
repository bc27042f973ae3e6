package io.servicecatalog.injector.secrets;

/** A Secret with the target name exists and does not belong to this binding. */
public class ForeignSecretException extends Exception {
  public ForeignSecretException(String namespace, String name) {
    super(
        "a Secret named " + name + " already exists in namespace " + namespace
            + " and is not owned by this binding; it was left untouched",
        null,
        false,
        false);
  }
}
