package io.servicecatalog.examples.mariadb.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/** Body of {@code GET /v2/service_instances/:instance_id/last_operation}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LastOperationResponse(State state, String description) {

    public enum State {
        IN_PROGRESS("in progress"),
        SUCCEEDED("succeeded"),
        FAILED("failed");

        private final String wireValue;

        State(String wireValue) {
            this.wireValue = wireValue;
        }

        @JsonValue
        public String wireValue() {
            return wireValue;
        }
    }
}
