package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Reference to a namespaced object from a cluster-scoped one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectReference {
  @JsonPropertyDescription("Namespace of the referenced object.")
  public String namespace;
  @JsonPropertyDescription("Name of the referenced object.")
  public String name;

  public ObjectReference() {}

  public ObjectReference(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
  }
}
