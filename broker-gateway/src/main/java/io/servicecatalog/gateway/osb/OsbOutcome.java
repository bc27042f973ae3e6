package io.servicecatalog.gateway.osb;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What one broker answer means for the platform, decided in one place ({@link OsbOutcomes}).
 *
 * <ul>
 *   <li>{@code DONE}: the operation finished successfully (sync 200/201, 410 on a delete, poll
 *       {@code succeeded}).
 *   <li>{@code ACCEPTED}: 202; poll with {@code operation}.
 *   <li>{@code POLL_AGAIN}: the operation is still running (or the poll answer was not usable).
 *   <li>{@code FAILED}: {@code terminal} when retrying the same request cannot help; {@code
 *       orphanMitigation} when the broker may hold a resource the platform does not know about.
 * </ul>
 *
 * {@code errorCode} is the broker's {@code error} (AsyncRequired, ConcurrencyError, ...); {@code
 * instanceUsable} / {@code updateRepeatable} are passed on as the broker gave them (null: not
 * said). {@link #bind} may hold credentials and {@code body} parameters: {@code toString} shows
 * neither.
 */
public record OsbOutcome(
    Kind kind,
    boolean terminal,
    boolean orphanMitigation,
    String reason,
    String message,
    Integer httpStatus,
    String requestIdentity,
    String operation,
    String dashboardUrl,
    String description,
    Duration retryAfter,
    JsonNode catalog,
    BindResponse bind,
    String errorCode,
    Boolean instanceUsable,
    Boolean updateRepeatable,
    JsonNode body) {

  public enum Kind {
    DONE,
    ACCEPTED,
    POLL_AGAIN,
    FAILED
  }

  public boolean is(Kind k) {
    return kind == k;
  }

  public boolean isError(String code) {
    return code != null && code.equals(errorCode);
  }

  static OsbOutcome done(OsbResponse r) {
    return new OsbOutcome(Kind.DONE, false, false, null, null, r.status(), r.requestIdentity(), null, null, null, null, null, null,
        null, null, null, null);
  }

  OsbOutcome withDashboardUrl(String url) {
    return new OsbOutcome(kind, terminal, orphanMitigation, reason, message, httpStatus, requestIdentity, operation, url, description,
        retryAfter, catalog, bind, errorCode, instanceUsable, updateRepeatable, body);
  }

  OsbOutcome withCatalog(JsonNode c) {
    return new OsbOutcome(kind, terminal, orphanMitigation, reason, message, httpStatus, requestIdentity, operation, dashboardUrl,
        description, retryAfter, c, bind, errorCode, instanceUsable, updateRepeatable, body);
  }

  OsbOutcome withBind(BindResponse b) {
    return new OsbOutcome(kind, terminal, orphanMitigation, reason, message, httpStatus, requestIdentity, operation, dashboardUrl,
        description, retryAfter, catalog, b, errorCode, instanceUsable, updateRepeatable, body);
  }

  OsbOutcome withDescription(String d) {
    return new OsbOutcome(kind, terminal, orphanMitigation, reason, message, httpStatus, requestIdentity, operation, dashboardUrl, d,
        retryAfter, catalog, bind, errorCode, instanceUsable, updateRepeatable, body);
  }

  /** {@code code} is the broker's {@code error}: kept only as far as it is fit to show (bounded, no control characters). */
  OsbOutcome withError(String code, Boolean usable, Boolean repeatable) {
    return new OsbOutcome(kind, terminal, orphanMitigation, reason, message, httpStatus, requestIdentity, operation, dashboardUrl,
        description, retryAfter, catalog, bind, OsbOutcomes.brokerText(code), usable, repeatable, body);
  }

  OsbOutcome withBody(JsonNode b) {
    return new OsbOutcome(kind, terminal, orphanMitigation, reason, message, httpStatus, requestIdentity, operation, dashboardUrl,
        description, retryAfter, catalog, bind, errorCode, instanceUsable, updateRepeatable, b);
  }

  OsbOutcome withTerminal(boolean t) {
    return new OsbOutcome(kind, t, orphanMitigation, reason, message, httpStatus, requestIdentity, operation, dashboardUrl,
        description, retryAfter, catalog, bind, errorCode, instanceUsable, updateRepeatable, body);
  }

  static OsbOutcome accepted(OsbResponse r, String operation, String dashboardUrl) {
    return new OsbOutcome(Kind.ACCEPTED, false, false, null, null, r.status(), r.requestIdentity(), operation, dashboardUrl, null,
        null, null, null, null, null, null, null);
  }

  public static OsbOutcome pollAgain(Integer status, String requestIdentity, String description, Duration retryAfter, String why) {
    return new OsbOutcome(Kind.POLL_AGAIN, false, false, null, why, status, requestIdentity, null, null, description, retryAfter,
        null, null, null, null, null, null);
  }

  public static OsbOutcome failed(Integer status, String requestIdentity, boolean terminal, boolean orphanMitigation, String reason,
      String message) {
    return new OsbOutcome(Kind.FAILED, terminal, orphanMitigation, reason, message, status, requestIdentity, null, null, null, null,
        null, null, null, null, null, null);
  }

  @Override
  public String toString() {
    return "OsbOutcome[" + kind + (terminal ? ", terminal" : "") + (orphanMitigation ? ", orphanMitigation" : "")
        + ", status=" + httpStatus + ", reason=" + reason + (errorCode == null ? "" : ", error=" + errorCode) + "]";
  }
}
