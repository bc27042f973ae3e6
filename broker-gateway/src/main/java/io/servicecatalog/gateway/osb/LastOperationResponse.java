package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code GET .../last_operation} for instances and bindings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LastOperationResponse(
    @JsonProperty("state") LastOperationState state,
    @JsonProperty("description") String description,
    @JsonProperty("instance_usable") Boolean instanceUsable,
    @JsonProperty("update_repeatable") Boolean updateRepeatable) {}
