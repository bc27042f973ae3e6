package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code bind_resource} of a bind request; on Kubernetes app_guid is the namespace uid. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BindResource(
    @JsonProperty("app_guid") String appGuid, @JsonProperty("route") String route) {}
