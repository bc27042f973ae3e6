package io.servicecatalog.gateway.osb;

import java.nio.charset.StandardCharsets;

/** What a broker answered: status, raw body (never logged), Retry-After, timing, API version used. */
public record OsbResponse(
    int status, byte[] body, String retryAfter, String requestIdentity, long durationMillis, String apiVersion) {

  public OsbResponse(int status, byte[] body, String retryAfter, String requestIdentity, long durationMillis) {
    this(status, body, retryAfter, requestIdentity, durationMillis, OsbHeaders.VERSION);
  }

  public String bodyText() {
    return body == null ? "" : new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OsbResponse[status=" + status + ", requestIdentity=" + requestIdentity + "]";
  }
}
