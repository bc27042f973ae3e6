package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceClassStatus {
  /** True once the offering vanished from (or was filtered out of) the broker's catalog. */
  public Boolean removedFromBrokerCatalog;
}
