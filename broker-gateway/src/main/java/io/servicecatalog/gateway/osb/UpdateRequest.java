package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code PATCH /v2/service_instances/:instance_id}. {@code plan_id} only when the plan
 * changes, {@code parameters} only when they changed (the whole set, {@code {}} when all were
 * removed), {@code maintenance_info} when the plan has one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateRequest(
    @JsonProperty("service_id") String serviceId,
    @JsonProperty("plan_id") String planId,
    @JsonProperty("context") KubernetesContext context,
    @JsonProperty("parameters") JsonNode parameters,
    @JsonProperty("previous_values") PreviousValues previousValues,
    @JsonProperty("maintenance_info") MaintenanceInfo maintenanceInfo) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PreviousValues(
      @JsonProperty("service_id") String serviceId,
      @JsonProperty("plan_id") String planId,
      @JsonProperty("maintenance_info") MaintenanceInfo maintenanceInfo) {}

  /** Parameters are user data: never printed. */
  @Override
  public String toString() {
    return "UpdateRequest[serviceId=" + serviceId + ", planId=" + planId + "]";
  }
}
