package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Reference to an object by name in the referrer's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalObjectReference {
  @JsonPropertyDescription("Name of the referenced object, in the referrer's namespace.")
  public String name;

  public LocalObjectReference() {}

  public LocalObjectReference(String name) {
    this.name = name;
  }
}
