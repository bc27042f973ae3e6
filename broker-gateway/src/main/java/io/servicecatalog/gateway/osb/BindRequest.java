package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** Body of {@code PUT /v2/service_instances/:instance_id/service_bindings/:binding_id}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BindRequest(
    @JsonProperty("service_id") String serviceId,
    @JsonProperty("plan_id") String planId,
    @JsonProperty("app_guid") String appGuid,
    @JsonProperty("bind_resource") BindResource bindResource,
    @JsonProperty("parameters") JsonNode parameters,
    @JsonProperty("context") KubernetesContext context,
    @JsonProperty("predecessor_binding_id") String predecessorBindingId) {

  @Override
  public String toString() {
    return "BindRequest[serviceId=" + serviceId + ", planId=" + planId + "]";
  }
}
