package io.servicecatalog.examples.mariadb.osb;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code PUT /v2/service_instances/:instance_id/service_bindings/:binding_id}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BindRequest(
        @JsonProperty("service_id") String serviceId,
        @JsonProperty("plan_id") String planId,
        @JsonProperty("app_guid") String appGuid,
        Map<String, Object> context,
        @JsonProperty("bind_resource") Map<String, Object> bindResource,
        Map<String, Object> parameters) {
}
