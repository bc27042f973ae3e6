package io.servicecatalog.examples.mariadb.osb;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code PUT /v2/service_instances/:instance_id}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProvisionRequest(
        @JsonProperty("service_id") String serviceId,
        @JsonProperty("plan_id") String planId,
        Map<String, Object> context,
        @JsonProperty("organization_guid") String organizationGuid,
        @JsonProperty("space_guid") String spaceGuid,
        Map<String, Object> parameters) {
}
