package io.servicecatalog.gateway.osb;

import java.nio.charset.StandardCharsets;

/** What a broker answered: status, raw body (never logged), Retry-After, timing. */
public record OsbResponse(
    int status, byte[] body, String retryAfter, String requestIdentity, long durationMillis) {

  public String bodyText() {
    return body == null ? "" : new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OsbResponse[status=" + status + ", requestIdentity=" + requestIdentity + "]";
  }
}
