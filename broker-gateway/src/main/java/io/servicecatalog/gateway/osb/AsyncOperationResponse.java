package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of a 200/202 answer to deprovision or unbind: only the operation token matters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AsyncOperationResponse(@JsonProperty("operation") String operation) {}
