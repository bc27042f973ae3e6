package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Reference to a cluster-scoped object by name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterObjectReference {
  @JsonPropertyDescription("Name of the referenced cluster-scoped object.")
  public String name;

  public ClusterObjectReference() {}

  public ClusterObjectReference(String name) {
    this.name = name;
  }
}
