package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A broker's error body (spec: Service Broker Errors). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorResponse(
    @JsonProperty("error") String error,
    @JsonProperty("description") String description,
    @JsonProperty("instance_usable") Boolean instanceUsable,
    @JsonProperty("update_repeatable") Boolean updateRepeatable) {

  public static final String ASYNC_REQUIRED = "AsyncRequired";
  public static final String CONCURRENCY_ERROR = "ConcurrencyError";
  public static final String REQUIRES_APP = "RequiresApp";
  public static final String MAINTENANCE_INFO_CONFLICT = "MaintenanceInfoConflict";
}
