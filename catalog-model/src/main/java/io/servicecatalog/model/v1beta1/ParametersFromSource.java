package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Parameters read from a Secret key whose value is a JSON object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ParametersFromSource {
  public SecretKeyReference secretKeyRef;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretKeyReference {
    public String name;
    public String key;
  }
}
