package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Parameters read from a Secret key whose value is a JSON object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ParametersFromSource {
  @JsonPropertyDescription("A key of a Secret in the same namespace.")
  public SecretKeyReference secretKeyRef;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretKeyReference {
    @JsonPropertyDescription("The Secret's name.")
    public String name;
    @JsonPropertyDescription("The key whose value is a JSON object of parameters.")
    public String key;
  }
}
