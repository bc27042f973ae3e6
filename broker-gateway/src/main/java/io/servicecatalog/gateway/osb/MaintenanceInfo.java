package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code maintenance_info}: only the version matters to brokers (spec: other fields are ignored). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MaintenanceInfo(@JsonProperty("version") String version) {

  public static MaintenanceInfo of(String version) {
    return version == null ? null : new MaintenanceInfo(version);
  }
}
