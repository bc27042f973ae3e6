package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription("Whether the plan is still in the broker's catalog.")
public class ServicePlanStatus {
  @JsonPropertyDescription(
      "True once the plan vanished from (or was filtered out of) the broker's catalog.")
  public Boolean removedFromBrokerCatalog;
}
