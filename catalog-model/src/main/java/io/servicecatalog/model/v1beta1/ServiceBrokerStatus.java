package io.servicecatalog.model.v1beta1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription(
    "The catalog fetch: conditions Ready and Failed, and when the catalog was last fetched.")
public class ServiceBrokerStatus extends ConditionedStatus {
  @JsonPropertyDescription(
      "When the current failing catalog fetch started; retries give up after the retry window.")
  public String operationStartTime;
  @JsonPropertyDescription("When the catalog was last fetched successfully.")
  public String lastCatalogRetrievalTime;
}
