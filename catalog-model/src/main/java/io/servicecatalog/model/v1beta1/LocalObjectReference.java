package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Reference to an object by name in the referrer's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalObjectReference {
  public String name;

  public LocalObjectReference() {}

  public LocalObjectReference(String name) {
    this.name = name;
  }
}
