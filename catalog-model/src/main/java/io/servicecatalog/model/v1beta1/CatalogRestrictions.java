package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Predicates (e.g. {@code spec.externalName==mariadb}) that filter what a broker's catalog exposes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CatalogRestrictions {
  public List<String> serviceClass;
  public List<String> servicePlan;
}
