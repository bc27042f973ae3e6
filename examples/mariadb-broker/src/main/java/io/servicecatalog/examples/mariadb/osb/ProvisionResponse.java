package io.servicecatalog.examples.mariadb.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of a successful provision: empty for synchronous plans, an operation token for async ones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvisionResponse(
        @JsonProperty("dashboard_url") String dashboardUrl,
        String operation) {

    public static ProvisionResponse empty() {
        return new ProvisionResponse(null, null);
    }

    public static ProvisionResponse accepted(String operation) {
        return new ProvisionResponse(null, operation);
    }
}
