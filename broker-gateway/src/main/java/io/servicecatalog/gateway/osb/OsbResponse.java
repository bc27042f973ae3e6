package io.servicecatalog.gateway.osb;

import java.nio.charset.StandardCharsets;

/**
 * What a broker answered: status, raw body (never logged), Retry-After, timing, API version used.
 * {@code bodyTooLarge}: the body went past the configured limit and was not read to its end
 * ({@code body} is then empty); it counts as malformed wherever a body matters.
 */
public record OsbResponse(
    int status, byte[] body, String retryAfter, String requestIdentity, long durationMillis, String apiVersion,
    boolean bodyTooLarge) {

  public OsbResponse(int status, byte[] body, String retryAfter, String requestIdentity, long durationMillis, String apiVersion) {
    this(status, body, retryAfter, requestIdentity, durationMillis, apiVersion, false);
  }

  public OsbResponse(int status, byte[] body, String retryAfter, String requestIdentity, long durationMillis) {
    this(status, body, retryAfter, requestIdentity, durationMillis, OsbHeaders.VERSION, false);
  }

  public String bodyText() {
    return body == null ? "" : new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "OsbResponse[status=" + status + ", requestIdentity=" + requestIdentity + (bodyTooLarge ? ", bodyTooLarge" : "") + "]";
  }
}
