package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** Body of {@code PUT /v2/service_instances/:instance_id}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisionRequest(
    @JsonProperty("service_id") String serviceId,
    @JsonProperty("plan_id") String planId,
    @JsonProperty("context") KubernetesContext context,
    @JsonProperty("organization_guid") String organizationGuid,
    @JsonProperty("space_guid") String spaceGuid,
    @JsonProperty("parameters") JsonNode parameters,
    @JsonProperty("maintenance_info") MaintenanceInfo maintenanceInfo) {

  /** Parameters are user data: never printed. */
  @Override
  public String toString() {
    return "ProvisionRequest[serviceId=" + serviceId + ", planId=" + planId + "]";
  }
}
