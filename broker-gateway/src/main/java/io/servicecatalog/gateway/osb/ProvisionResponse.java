package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** Body of a 200/201/202 answer to a provision request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProvisionResponse(
    @JsonProperty("dashboard_url") String dashboardUrl,
    @JsonProperty("operation") String operation,
    @JsonProperty("metadata") JsonNode metadata) {}
