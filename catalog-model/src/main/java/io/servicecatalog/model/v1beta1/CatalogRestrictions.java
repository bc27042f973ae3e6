package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Predicates (e.g. {@code spec.externalName==mariadb}) that filter what a broker's catalog exposes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CatalogRestrictions {
  @JsonPropertyDescription(
      "Predicates on classes, e.g. spec.externalName==mariadb (operators ==, !=, in, notin).")
  public List<String> serviceClass;
  @JsonPropertyDescription(
      "Predicates on plans, e.g. spec.free==true (operators ==, !=, in, notin).")
  public List<String> servicePlan;
}
