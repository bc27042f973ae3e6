package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServicePlanStatus {
  public Boolean removedFromBrokerCatalog;
}
