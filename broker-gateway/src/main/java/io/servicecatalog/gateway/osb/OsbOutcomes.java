package io.servicecatalog.gateway.osb;

import static io.servicecatalog.gateway.osb.OsbOutcome.failed;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The one place that turns broker answers into outcomes, following the spec's response tables
 * and its orphan-mitigation table (spec.md: Provisioning, Binding, Unbinding, Deprovisioning,
 * Polling Last Operation, Orphan Mitigation) and the platform behaviour table (§2 rows 13-37).
 */
public final class OsbOutcomes {
  private OsbOutcomes() {}

  private static final int MAX_MESSAGE = 1024;

  // --- catalog ---------------------------------------------------------------------------

  public static OsbOutcome catalog(String broker, OsbResponse r) {
    if (r.status() == 200) {
      if (r.bodyTooLarge()) {
        return failed(r.status(), r.requestIdentity(), false, false, Reasons.ERROR_FETCHING_CATALOG,
            "Error fetching catalog from broker \"" + broker + "\": HTTP 200 with " + malformed(r));
      }
      JsonNode body = parse(r);
      if (body == null || !body.isObject() || !body.path("services").isArray()) {
        return failed(r.status(), r.requestIdentity(), false, false, Reasons.ERROR_FETCHING_CATALOG,
            "Error fetching catalog from broker \"" + broker + "\": HTTP 200 with a malformed catalog (no \"services\" array)");
      }
      String problem = catalogShapeProblem(body);
      if (problem != null) {
        return failed(r.status(), r.requestIdentity(), false, false, Reasons.ERROR_FETCHING_CATALOG,
            "Error fetching catalog from broker \"" + broker + "\": HTTP 200 with a malformed catalog (" + problem + ")");
      }
      return OsbOutcome.done(r).withCatalog(body);
    }
    return failed(r.status(), r.requestIdentity(), false, false, Reasons.ERROR_FETCHING_CATALOG,
        "Error fetching catalog from broker \"" + broker + "\": " + httpError(r));
  }

  // --- provision -------------------------------------------------------------------------

  public static OsbOutcome provision(String broker, OsbResponse r) {
    int s = r.status();
    String what = "The broker \"" + broker + "\" answered the provision request with ";
    if (s == 200 || s == 201) {
      ProvisionResponse body = parse(r, ProvisionResponse.class);
      if (body == null) {
        // 200 malformed: failure without orphan mitigation; 201 malformed: with.
        return failed(s, r.requestIdentity(), false, s == 201, Reasons.PROVISION_CALL_FAILED, what + "HTTP " + s + " and " + malformed(r));
      }
      return OsbOutcome.done(r).withDashboardUrl(dashboardUrl(body.dashboardUrl()));
    }
    if (s == 202) {
      ProvisionResponse body = parse(r, ProvisionResponse.class);
      if (body == null || tooLong(body.operation())) {
        return failed(s, r.requestIdentity(), false, true, Reasons.PROVISION_CALL_FAILED, what + "HTTP 202 and " + malformed(r));
      }
      return OsbOutcome.accepted(r, emptyToNull(body.operation()), dashboardUrl(body.dashboardUrl()));
    }
    if (s >= 200 && s < 300) {
      return failed(s, r.requestIdentity(), false, true, Reasons.PROVISION_CALL_FAILED, what + "unexpected HTTP " + s);
    }
    if (s == 400) {
      return failed(s, r.requestIdentity(), true, false, Reasons.BROKER_RETURNED_FAILURE, what + httpError(r));
    }
    if (s == 409) {
      return failed(s, r.requestIdentity(), true, false, Reasons.BROKER_RETURNED_FAILURE,
          what + httpError(r) + " (an instance with this id exists with different attributes)");
    }
    if (s == 422) {
      return unprocessable(r, what, Reasons.PROVISION_CALL_FAILED, Reasons.BROKER_RETURNED_FAILURE);
    }
    if (s >= 500 && s < 600) {
      return failed(s, r.requestIdentity(), false, true, Reasons.PROVISION_CALL_FAILED, what + httpError(r));
    }
    // 408 and other 4xx: rejected, nothing created; 1xx/3xx: not an OSB answer.
    return failed(s, r.requestIdentity(), false, false, Reasons.PROVISION_CALL_FAILED, what + httpError(r));
  }

  /**
   * 422 of a provision, update or bind, by its error code: ConcurrencyError and AsyncRequired are
   * retried (never orphan-mitigated: 4xx means nothing changed); MaintenanceInfoConflict and
   * RequiresApp, like any other 422, are terminal with a reason naming them.
   */
  private static OsbOutcome unprocessable(OsbResponse r, String what, String retryReason, String terminalReason) {
    ErrorResponse e = parse(r, ErrorResponse.class);
    String code = e == null ? null : e.error();
    Boolean usable = e == null ? null : e.instanceUsable();
    Boolean repeatable = e == null ? null : e.updateRepeatable();
    int s = r.status();
    if (ErrorResponse.CONCURRENCY_ERROR.equals(code)) {
      return failed(s, r.requestIdentity(), false, false, retryReason,
          what + httpError(r) + "; another operation is in progress, waiting before trying again").withError(code, usable, repeatable);
    }
    if (ErrorResponse.ASYNC_REQUIRED.equals(code)) {
      return failed(s, r.requestIdentity(), false, false, retryReason,
          what + httpError(r) + "; the request is sent again with accepts_incomplete=true").withError(code, usable, repeatable);
    }
    if (ErrorResponse.MAINTENANCE_INFO_CONFLICT.equals(code)) {
      return failed(s, r.requestIdentity(), true, false, Reasons.MAINTENANCE_INFO_CONFLICT,
          what + httpError(r) + "; the broker's catalog has a different maintenance_info version, the catalog is fetched again")
          .withError(code, usable, repeatable);
    }
    if (ErrorResponse.REQUIRES_APP.equals(code)) {
      return failed(s, r.requestIdentity(), true, false, Reasons.REQUIRES_APP, what + httpError(r)
          + "; the broker requires an application (app_guid) for this binding").withError(code, usable, repeatable);
    }
    return failed(s, r.requestIdentity(), true, false, terminalReason, what + httpError(r)).withError(code, usable, repeatable);
  }

  // --- update ----------------------------------------------------------------------------

  /**
   * An update answer. Never orphan mitigation (spec table). 400 and 422 (but ConcurrencyError,
   * AsyncRequired) are terminal; anything else failed is retried unless the broker says
   * {@code update_repeatable: false}.
   */
  public static OsbOutcome update(String broker, OsbResponse r) {
    int s = r.status();
    String what = "The broker \"" + broker + "\" answered the update request with ";
    if (s == 200) {
      ProvisionResponse body = parse(r, ProvisionResponse.class);
      if (body == null) {
        return failed(s, r.requestIdentity(), false, false, Reasons.UPDATE_INSTANCE_CALL_FAILED, what + "HTTP 200 and " + malformed(r));
      }
      return OsbOutcome.done(r).withDashboardUrl(dashboardUrl(body.dashboardUrl()));
    }
    if (s == 202) {
      ProvisionResponse body = parse(r, ProvisionResponse.class);
      if (body == null || tooLong(body.operation())) {
        return failed(s, r.requestIdentity(), false, false, Reasons.UPDATE_INSTANCE_CALL_FAILED, what + "HTTP 202 and " + malformed(r));
      }
      return OsbOutcome.accepted(r, emptyToNull(body.operation()), dashboardUrl(body.dashboardUrl()));
    }
    ErrorResponse e = parse(r, ErrorResponse.class);
    Boolean usable = e == null ? null : e.instanceUsable();
    Boolean repeatable = e == null ? null : e.updateRepeatable();
    String code = e == null ? null : e.error();
    if (s >= 200 && s < 300) {
      return failed(s, r.requestIdentity(), false, false, Reasons.UPDATE_INSTANCE_CALL_FAILED, what + "unexpected HTTP " + s)
          .withError(code, usable, repeatable);
    }
    if (s == 400) {
      return failed(s, r.requestIdentity(), true, false, Reasons.UPDATE_INSTANCE_CALL_FAILED, what + httpError(r))
          .withError(code, usable, repeatable);
    }
    if (s == 422) {
      return unprocessable(r, what, Reasons.UPDATE_INSTANCE_CALL_FAILED, Reasons.UPDATE_INSTANCE_CALL_FAILED);
    }
    boolean never = Boolean.FALSE.equals(repeatable);
    return failed(s, r.requestIdentity(), never, false, Reasons.UPDATE_INSTANCE_CALL_FAILED,
        what + httpError(r) + (never ? "; the broker says this update cannot be repeated" : ""))
        .withError(code, usable, repeatable);
  }

  // --- deprovision -----------------------------------------------------------------------

  public static OsbOutcome deprovision(String broker, OsbResponse r) {
    return delete(broker, r, "deprovision", Reasons.DEPROVISION_CALL_FAILED);
  }

  public static OsbOutcome unbind(String broker, OsbResponse r) {
    return delete(broker, r, "unbind", Reasons.UNBIND_CALL_FAILED);
  }

  private static OsbOutcome delete(String broker, OsbResponse r, String verb, String reason) {
    int s = r.status();
    if (s == 200 || s == 410) {
      return OsbOutcome.done(r);
    }
    String what = "The broker \"" + broker + "\" answered the " + verb + " request with ";
    if (s == 202) {
      AsyncOperationResponse body = parse(r, AsyncOperationResponse.class);
      if (body == null || tooLong(body.operation())) {
        return failed(s, r.requestIdentity(), false, false, reason, what + "HTTP 202 and " + malformed(r));
      }
      return OsbOutcome.accepted(r, emptyToNull(body.operation()), null);
    }
    // Every failure of a delete is retried: the platform must keep remembering the resource
    // (for 5xx and other 2xx that repeated DELETE is the spec's orphan mitigation).
    ErrorResponse e = parse(r, ErrorResponse.class);
    return failed(s, r.requestIdentity(), false, false, reason, what + httpError(r))
        .withError(e == null ? null : e.error(), e == null ? null : e.instanceUsable(), null);
  }

  // --- bind ------------------------------------------------------------------------------

  public static OsbOutcome bind(String broker, OsbResponse r) {
    int s = r.status();
    String what = "The broker \"" + broker + "\" answered the bind request with ";
    if (s == 200 || s == 201) {
      BindResponse body = parse(r, BindResponse.class);
      if (body == null) {
        return failed(s, r.requestIdentity(), false, s == 201, Reasons.BIND_CALL_FAILED, what + "HTTP " + s + " and " + malformed(r));
      }
      return OsbOutcome.done(r).withBind(body);
    }
    if (s == 202) {
      BindResponse body = parse(r, BindResponse.class);
      if (body == null || tooLong(body.operation())) {
        return failed(s, r.requestIdentity(), false, true, Reasons.BIND_CALL_FAILED, what + "HTTP 202 and " + malformed(r));
      }
      return OsbOutcome.accepted(r, emptyToNull(body.operation()), null);
    }
    if (s >= 200 && s < 300) {
      return failed(s, r.requestIdentity(), false, true, Reasons.BIND_CALL_FAILED, what + "unexpected HTTP " + s);
    }
    if (s == 400 || s == 409) {
      return failed(s, r.requestIdentity(), true, false, Reasons.BIND_CALL_FAILED, what + httpError(r));
    }
    if (s == 422) {
      return unprocessable(r, what, Reasons.BIND_CALL_FAILED, Reasons.BIND_CALL_FAILED);
    }
    if (s >= 500 && s < 600) {
      return failed(s, r.requestIdentity(), false, true, Reasons.BIND_CALL_FAILED, what + httpError(r));
    }
    return failed(s, r.requestIdentity(), false, false, Reasons.BIND_CALL_FAILED, what + httpError(r));
  }

  /** {@code GET .../service_bindings/:id} after an async bind succeeded. */
  public static OsbOutcome fetchBinding(String broker, OsbResponse r) {
    if (r.status() == 200) {
      BindResponse body = parse(r, BindResponse.class);
      if (body != null) {
        return OsbOutcome.done(r).withBind(body);
      }
    }
    return OsbOutcome.pollAgain(r.status(), r.requestIdentity(), null, null,
        "The broker \"" + broker + "\" did not return the binding: " + httpError(r));
  }

  /**
   * {@code GET /v2/service_instances/:id} (instances_retrievable). DONE carries the body; a 404
   * is FAILED with error code {@code NotFound}; 422 ConcurrencyError (being updated) is
   * POLL_AGAIN; anything else is a FAILED check (the instance is remembered regardless).
   */
  public static OsbOutcome fetchInstance(String broker, OsbResponse r) {
    return fetchResource(broker, r, "instance");
  }

  /**
   * {@code GET .../service_bindings/:id} of a bound binding (bindings_retrievable), for the drift
   * check: as {@link #fetchInstance}; the body (credentials) is never put into a message.
   */
  public static OsbOutcome fetchBoundBinding(String broker, OsbResponse r) {
    return fetchResource(broker, r, "binding");
  }

  private static OsbOutcome fetchResource(String broker, OsbResponse r, String noun) {
    int s = r.status();
    if (s == 200) {
      JsonNode body = parse(r);
      if (body != null && body.isObject()) {
        return OsbOutcome.done(r).withBody(body).withDashboardUrl(body.path("dashboard_url").isTextual()
            ? dashboardUrl(body.get("dashboard_url").asText()) : null);
      }
      return failed(s, r.requestIdentity(), false, false, Reasons.ERROR_FETCHING_INSTANCE,
          "The broker \"" + broker + "\" returned the " + noun + " with " + malformed(r));
    }
    if (s == 404) {
      return failed(s, r.requestIdentity(), false, false, Reasons.ERROR_FETCHING_INSTANCE,
          "The broker \"" + broker + "\" does not know the " + noun + " (HTTP 404)").withError("NotFound", null, null);
    }
    if (s == 422) {
      return OsbOutcome.pollAgain(s, r.requestIdentity(), null, retryAfter(r), "the " + noun + " is being changed");
    }
    return failed(s, r.requestIdentity(), false, false, Reasons.ERROR_FETCHING_INSTANCE,
        "The broker \"" + broker + "\" did not return the " + noun + ": " + httpError(r));
  }

  // --- last_operation --------------------------------------------------------------------

  /**
   * A poll answer. {@code deleting}: 410 is the success of a delete, and an invalid answer
   * while creating. 400 fails the operation; anything else that is not a valid state keeps
   * polling until the maximum polling duration.
   */
  public static OsbOutcome poll(String broker, OsbResponse r, boolean deleting, String failureReason) {
    int s = r.status();
    if (s == 200) {
      LastOperationResponse body = parse(r, LastOperationResponse.class);
      if (body == null || body.state() == null) {
        return OsbOutcome.pollAgain(s, r.requestIdentity(), null, retryAfter(r), "invalid last_operation answer");
      }
      // A blank description says nothing: it is dropped, so no status shows an empty message.
      String description = body.description() == null || body.description().isBlank() ? null : brokerText(body.description());
      return switch (body.state()) {
        case IN_PROGRESS -> OsbOutcome.pollAgain(s, r.requestIdentity(), description, retryAfter(r), null);
        case SUCCEEDED -> OsbOutcome.done(r).withDescription(description);
        case FAILED -> failed(s, r.requestIdentity(), false, false, failureReason,
                "The broker \"" + broker + "\" reports the operation failed" + (description == null ? "" : ": " + description))
            .withDescription(description)
            .withError(null, body.instanceUsable(), body.updateRepeatable());
      };
    }
    if (s == 410 && deleting) {
      return OsbOutcome.done(r);
    }
    if (s == 400) {
      return failed(s, r.requestIdentity(), true, false, failureReason,
          "The broker \"" + broker + "\" rejected the last_operation request: " + httpError(r));
    }
    return OsbOutcome.pollAgain(s, r.requestIdentity(), null, retryAfter(r), "last_operation answered " + httpError(r));
  }

  // --- no answer -------------------------------------------------------------------------

  /**
   * A request that got no HTTP answer. A timeout after a provision or bind calls for orphan
   * mitigation (the broker may have created it); a connect failure never does.
   */
  public static OsbOutcome transport(OsbTransportException e, boolean createRequest, String reason) {
    return failed(null, e.requestIdentity(), false, createRequest && e.timeout(), reason, e.getMessage());
  }

  // --- helpers ---------------------------------------------------------------------------

  /**
   * Longest Retry-After taken as given; more is read as this (the polling deadline comes first
   * anyway), so a broker's "9223372036854775807" cannot overflow the next-attempt time.
   */
  public static final Duration MAX_RETRY_AFTER = Duration.ofDays(365);

  /** Retry-After in seconds (recommended) or as an HTTP date; null when absent or unusable. */
  public static Duration retryAfter(OsbResponse r) {
    String v = r.retryAfter();
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(v.trim());
      return seconds < 0 ? null : seconds > MAX_RETRY_AFTER.toSeconds() ? MAX_RETRY_AFTER : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(Instant.now(), at);
        return d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  /** "HTTP 500 (error "X": description)" from the broker's error body when it has one. */
  static String httpError(OsbResponse r) {
    StringBuilder sb = new StringBuilder("HTTP ").append(r.status());
    ErrorResponse e = parse(r, ErrorResponse.class);
    if (e != null && (e.error() != null || e.description() != null)) {
      sb.append(" (");
      if (e.error() != null) {
        sb.append("error \"").append(brokerText(e.error())).append('"');
      }
      if (e.description() != null) {
        sb.append(e.error() != null ? ": " : "").append(brokerText(e.description()));
      }
      sb.append(')');
    }
    return sb.toString();
  }

  /**
   * Text from a broker made fit for a message, a status or a table column: control characters
   * (NUL cannot be stored by PostgreSQL) and unpaired surrogates replaced, at most
   * {@value #MAX_MESSAGE} characters. Null stays null.
   */
  public static String brokerText(String s) {
    if (s == null) {
      return null;
    }
    int end = Math.min(s.length(), MAX_MESSAGE);
    if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    StringBuilder sb = new StringBuilder(end + 3);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c) || c == 0x7f || c < 0x20 && c != '\n' && c != '\t') {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return end < s.length() ? sb.append("...").toString() : sb.toString();
  }

  /** Longest dashboard_url taken from a broker; a longer one is ignored rather than stored. */
  public static final int MAX_DASHBOARD_URL = 4096;

  /** The broker's dashboard_url when it is usable (not empty, bounded, no control characters). */
  static String dashboardUrl(String url) {
    if (url == null || url.isBlank() || url.length() > MAX_DASHBOARD_URL || !url.equals(brokerText(url))) {
      return null;
    }
    return url;
  }

  /** An operation token that cannot be sent back or stored (too long, NUL) makes the answer malformed. */
  private static boolean tooLong(String operation) {
    return operation != null && (operation.length() > OsbHeaders.MAX_OPERATION_LENGTH || operation.indexOf('\0') >= 0);
  }

  /** "a malformed body", or why there is none. */
  private static String malformed(OsbResponse r) {
    return r.bodyTooLarge() ? "a body larger than the gateway reads (servicecatalog.osb.max-response-size)" : "a malformed body";
  }

  /**
   * What the gateway itself needs of a catalog before it filters and forwards it (catalog-api
   * checks the rest): every service offering and every plan a JSON object, plans an array.
   */
  static String catalogShapeProblem(JsonNode catalog) {
    JsonNode services = catalog.get("services");
    for (int i = 0; i < services.size(); i++) {
      JsonNode svc = services.get(i);
      if (!svc.isObject()) {
        return "services[" + i + "] is not an object";
      }
      JsonNode plans = svc.get("plans");
      if (plans == null || plans.isNull()) {
        continue;
      }
      if (!plans.isArray()) {
        return "services[" + i + "].plans is not an array";
      }
      for (int k = 0; k < plans.size(); k++) {
        if (!plans.get(k).isObject()) {
          return "services[" + i + "].plans[" + k + "] is not an object";
        }
      }
    }
    return null;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static JsonNode parse(OsbResponse r) {
    if (r.bodyTooLarge() || r.body() == null || r.body().length == 0) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      return null;
    }
  }

  /** Null when the body is not a JSON object of that shape. An empty body reads as {}. */
  private static <T> T parse(OsbResponse r, Class<T> type) {
    if (r.bodyTooLarge()) {
      return null;
    }
    try {
      if (r.body() == null || r.body().length == 0 || r.bodyText().isBlank()) {
        return Json.MAPPER.readValue("{}", type);
      }
      JsonNode node = Json.MAPPER.readTree(r.body());
      if (node == null || !node.isObject()) {
        return null;
      }
      return Json.MAPPER.treeToValue(node, type);
    } catch (Exception e) {
      return null;
    }
  }
}
