package io.servicecatalog.gateway.osb;

/**
 * One request to a broker. {@code pathAndQuery} is already encoded ({@link OsbPaths}); {@code
 * body} is serialized as JSON when non-null; {@code action} names the call for metrics
 * (GetCatalog, ProvisionInstance, ...); {@code subject} names the resource in log lines.
 */
public record OsbRequest(
    String action,
    String method,
    String pathAndQuery,
    Object body,
    String originatingIdentity,
    String requestIdentity,
    String subject) {

  @Override
  public String toString() {
    return action + " " + method + " " + pathAndQuery;
  }
}
