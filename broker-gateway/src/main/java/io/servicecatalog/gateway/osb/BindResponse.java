package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Body of a bind answer (200/201/202) and of {@code GET .../service_bindings/:binding_id}. Holds
 * credentials: {@link #toString()} never shows them and nothing here is ever logged or stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BindResponse(
    @JsonProperty("credentials") Map<String, JsonNode> credentials,
    @JsonProperty("metadata") JsonNode metadata,
    @JsonProperty("syslog_drain_url") String syslogDrainUrl,
    @JsonProperty("route_service_url") String routeServiceUrl,
    @JsonProperty("volume_mounts") JsonNode volumeMounts,
    @JsonProperty("endpoints") JsonNode endpoints,
    @JsonProperty("operation") String operation) {

  /** metadata.expires_at, if the broker gave a readable one. */
  public java.time.Instant expiresAt() {
    return time("expires_at");
  }

  /** metadata.renew_before, if the broker gave a readable one. */
  public java.time.Instant renewBefore() {
    return time("renew_before");
  }

  private java.time.Instant time(String field) {
    if (metadata == null || !metadata.path(field).isTextual()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(metadata.get(field).asText()).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      try {
        return java.time.Instant.parse(metadata.get(field).asText());
      } catch (java.time.format.DateTimeParseException e2) {
        return null;
      }
    }
  }

  @Override
  public String toString() {
    return "BindResponse[credentialKeys="
        + (credentials == null ? 0 : credentials.size())
        + ", operation="
        + operation
        + "]";
  }
}
