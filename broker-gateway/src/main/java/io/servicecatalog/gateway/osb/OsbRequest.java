package io.servicecatalog.gateway.osb;

/**
 * One request to a broker. {@code pathAndQuery} is already encoded ({@link OsbPaths}); {@code
 * body} is serialized as JSON when non-null; {@code action} names the call for metrics and audit
 * (GetCatalog, ProvisionInstance, ...); {@code subject} names the resource in log lines and
 * {@code resourceUid} keys its audit record. {@code renegotiate}: start from the newest API
 * version instead of the one remembered for the broker (catalog fetches do, so a broker that
 * was upgraded is spoken to in 2.17 again).
 */
public record OsbRequest(
    String action,
    String method,
    String pathAndQuery,
    Object body,
    String originatingIdentity,
    String requestIdentity,
    String subject,
    String resourceUid,
    boolean renegotiate) {

  public OsbRequest(String action, String method, String pathAndQuery, Object body, String originatingIdentity,
      String requestIdentity, String subject, String resourceUid) {
    this(action, method, pathAndQuery, body, originatingIdentity, requestIdentity, subject, resourceUid, false);
  }

  @Override
  public String toString() {
    return action + " " + method + " " + pathAndQuery;
  }
}
