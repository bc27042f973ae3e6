package io.servicecatalog.syncer.catalogapi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * catalog-api answered with an error: the HTTP status and, when the body is a Kubernetes {@code
 * Status}, its reason and message. {@link #code} 0 means catalog-api could not be reached.
 */
public class CatalogApiException extends RuntimeException {
  private final int code;
  private final String reason;
  private final JsonNode status;

  public CatalogApiException(int code, String reason, String message, JsonNode status) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.status = status;
  }

  public static CatalogApiException unreachable(String what, Throwable cause) {
    CatalogApiException e =
        new CatalogApiException(
            0, "Unreachable", "catalog-api unreachable (" + what + "): " + cause, null);
    e.initCause(cause);
    return e;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public JsonNode status() {
    return status;
  }

  public boolean isConflict() {
    return code == 409 && !"AlreadyExists".equals(reason);
  }

  public boolean isAlreadyExists() {
    return code == 409 && "AlreadyExists".equals(reason);
  }

  /**
   * A refusal that repeating the same request will not change (invalid, forbidden, not served): 4xx
   * except 408 Request Timeout, 409 Conflict and 429 Too Many Requests.
   */
  public boolean isRefusal() {
    return code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
  }
}
