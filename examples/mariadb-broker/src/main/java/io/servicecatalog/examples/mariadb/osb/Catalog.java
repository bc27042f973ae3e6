package io.servicecatalog.examples.mariadb.osb;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code GET /v2/catalog}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Catalog(List<ServiceOffering> services) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceOffering(
            String id,
            String name,
            String description,
            List<String> tags,
            boolean bindable,
            @JsonProperty("instances_retrievable") Boolean instancesRetrievable,
            @JsonProperty("bindings_retrievable") Boolean bindingsRetrievable,
            @JsonProperty("plan_updateable") boolean planUpdateable,
            Map<String, Object> metadata,
            List<Plan> plans) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Plan(
            String id,
            String name,
            String description,
            Map<String, Object> metadata,
            Boolean free,
            Boolean bindable,
            Schemas schemas,
            @JsonProperty("maximum_polling_duration") Integer maximumPollingDuration) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schemas(
            @JsonProperty("service_instance") ServiceInstanceSchema serviceInstance,
            @JsonProperty("service_binding") ServiceBindingSchema serviceBinding) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceInstanceSchema(InputParameters create, InputParameters update) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceBindingSchema(InputParameters create) {
    }

    /** Wraps a JSON schema (draft-04) describing the accepted {@code parameters}. */
    public record InputParameters(Map<String, Object> parameters) {
    }
}
