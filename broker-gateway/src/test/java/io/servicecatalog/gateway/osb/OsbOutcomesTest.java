package io.servicecatalog.gateway.osb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The response tables of the spec, one row per case (spec.md: Orphan Mitigation and per endpoint). */
class OsbOutcomesTest {

  static OsbResponse r(int status, String body) {
    return r(status, body, null);
  }

  static OsbResponse r(int status, String body, String retryAfter) {
    return new OsbResponse(status, body == null ? null : body.getBytes(StandardCharsets.UTF_8), retryAfter, "rid", 5);
  }

  @ParameterizedTest(name = "provision {0} {1} -> {2} terminal={3} om={4}")
  @CsvSource(delimiter = '|', value = {
      "200 | {}                                        | DONE     | false | false",
      "201 | {\"dashboard_url\":\"http://d\"}         | DONE     | false | false",
      "200 | not json                                  | FAILED   | false | false",
      "201 | [1,2]                                     | FAILED   | false | true",
      "202 | {\"operation\":\"t1\"}                   | ACCEPTED | false | false",
      "202 | nope                                      | FAILED   | false | true",
      "204 | {}                                        | FAILED   | false | true",
      "400 | {\"description\":\"bad\"}                | FAILED   | true  | false",
      "408 | {}                                        | FAILED   | false | false",
      "409 | {}                                        | FAILED   | true  | false",
      "422 | {\"error\":\"AsyncRequired\"}            | FAILED   | false | false",
      "422 | {\"error\":\"MaintenanceInfoConflict\"}  | FAILED   | true  | false",
      "422 | {\"error\":\"ConcurrencyError\"}         | FAILED   | false | false",
      "401 | {}                                        | FAILED   | false | false",
      "500 | {}                                        | FAILED   | false | true",
      "503 | {}                                        | FAILED   | false | true"})
  void provision(int status, String body, Kind kind, boolean terminal, boolean om) {
    OsbOutcome o = OsbOutcomes.provision("b", r(status, body.trim()));
    assertEquals(kind, o.kind());
    assertEquals(terminal, o.terminal());
    assertEquals(om, o.orphanMitigation());
    if (status == 400) {
      assertEquals(Reasons.BROKER_RETURNED_FAILURE, o.reason());
      assertTrue(o.message().contains("HTTP 400 (bad)"), o.message());
    }
  }

  @Test
  void provisionAcceptedKeepsTokenAndDashboard() {
    OsbOutcome o = OsbOutcomes.provision("b", r(202, "{\"operation\":\"task 10\",\"dashboard_url\":\"http://d/1\",\"x-vendor\":1}"));
    assertEquals("task 10", o.operation());
    assertEquals("http://d/1", o.dashboardUrl());
    assertEquals(Kind.FAILED, OsbOutcomes.provision("b", r(202, "{\"operation\":\"" + "x".repeat(10_001) + "\"}")).kind());
  }

  @ParameterizedTest(name = "bind {0} -> {2} terminal={3} om={4}")
  @CsvSource(delimiter = '|', value = {
      "201 | {\"credentials\":{\"a\":1}}   | DONE     | false | false",
      "200 | {\"credentials\":{\"a\":1}}   | DONE     | false | false",
      "201 | {\"credentials\":\"oops\"}    | FAILED   | false | true",
      "202 | {\"operation\":\"t\"}         | ACCEPTED | false | false",
      "206 | {}                             | FAILED   | false | true",
      "400 | {}                             | FAILED   | true  | false",
      "409 | {}                             | FAILED   | true  | false",
      "422 | {\"error\":\"RequiresApp\"}   | FAILED   | true  | false",
      "422 | {\"error\":\"ConcurrencyError\"} | FAILED | false | false",
      "408 | {}                             | FAILED   | false | false",
      "502 | {}                             | FAILED   | false | true"})
  void bind(int status, String body, Kind kind, boolean terminal, boolean om) {
    OsbOutcome o = OsbOutcomes.bind("b", r(status, body.trim()));
    assertEquals(kind, o.kind());
    assertEquals(terminal, o.terminal());
    assertEquals(om, o.orphanMitigation());
  }

  @Test
  void bindCredentialsNeverShowInToString() {
    OsbOutcome o = OsbOutcomes.bind("b", r(201, "{\"credentials\":{\"password\":\"hunter2\"}}"));
    assertEquals("hunter2", o.bind().credentials().get("password").asText());
    assertFalse(o.toString().contains("hunter2"));
    assertFalse(o.bind().toString().contains("hunter2"));
  }

  @ParameterizedTest(name = "delete {0} -> {1}")
  @CsvSource({"200, DONE", "410, DONE", "202, ACCEPTED", "400, FAILED", "422, FAILED", "500, FAILED"})
  void deletesAreRetriedNeverTerminal(int status, Kind kind) {
    for (OsbOutcome o : new OsbOutcome[] {OsbOutcomes.deprovision("b", r(status, "{}")), OsbOutcomes.unbind("b", r(status, "{}"))}) {
      assertEquals(kind, o.kind());
      assertFalse(o.terminal());
      assertFalse(o.orphanMitigation());
    }
  }

  @Test
  void polling() {
    OsbOutcome inProgress = OsbOutcomes.poll("b", r(200, "{\"state\":\"in progress\",\"description\":\"10%\"}", "7"), false, "R");
    assertEquals(Kind.POLL_AGAIN, inProgress.kind());
    assertEquals("10%", inProgress.description());
    assertEquals(Duration.ofSeconds(7), inProgress.retryAfter());
    assertEquals(Kind.DONE, OsbOutcomes.poll("b", r(200, "{\"state\":\"succeeded\"}"), false, "R").kind());
    OsbOutcome failed = OsbOutcomes.poll("b", r(200, "{\"state\":\"failed\",\"description\":\"disk full\"}"), false, "R");
    assertEquals(Kind.FAILED, failed.kind());
    assertTrue(failed.message().contains("disk full"));
    // 410: success of a delete, an invalid answer while creating.
    assertEquals(Kind.DONE, OsbOutcomes.poll("b", r(410, "{}"), true, "R").kind());
    assertEquals(Kind.POLL_AGAIN, OsbOutcomes.poll("b", r(410, "{}"), false, "R").kind());
    OsbOutcome bad = OsbOutcomes.poll("b", r(400, "{}"), false, "R");
    assertEquals(Kind.FAILED, bad.kind());
    assertTrue(bad.terminal());
    assertEquals(Kind.POLL_AGAIN, OsbOutcomes.poll("b", r(500, "{}"), false, "R").kind());
    assertEquals(Kind.POLL_AGAIN, OsbOutcomes.poll("b", r(200, "{\"state\":\"weird\"}"), false, "R").kind());
    assertEquals(Kind.POLL_AGAIN, OsbOutcomes.poll("b", r(404, "{}"), false, "R").kind());
  }

  @Test
  void retryAfterAsSecondsOrDate() {
    assertEquals(Duration.ofSeconds(3), OsbOutcomes.retryAfter(r(200, "{}", "3")));
    assertNull(OsbOutcomes.retryAfter(r(200, "{}", "soon")));
    assertNull(OsbOutcomes.retryAfter(r(200, "{}", null)));
    Duration d = OsbOutcomes.retryAfter(r(200, "{}", "Wed, 21 Oct 2015 07:28:00 GMT"));
    assertEquals(Duration.ZERO, d, "a date in the past means now");
  }

  @Test
  void catalog() {
    assertEquals(Kind.DONE, OsbOutcomes.catalog("b", r(200, "{\"services\":[]}")).kind());
    assertEquals(Kind.FAILED, OsbOutcomes.catalog("b", r(200, "{\"nothing\":1}")).kind());
    OsbOutcome o = OsbOutcomes.catalog("b", r(503, "{\"error\":\"Down\",\"description\":\"maintenance\"}"));
    assertEquals(Reasons.ERROR_FETCHING_CATALOG, o.reason());
    assertFalse(o.terminal());
    assertTrue(o.message().contains("HTTP 503 (error \"Down\": maintenance)"), o.message());
  }

  @Test
  void transportFailures() {
    OsbTransportException timeout = new OsbTransportException("slow", true, "rid", null);
    OsbTransportException refused = new OsbTransportException("refused", false, "rid", null);
    assertTrue(OsbOutcomes.transport(timeout, true, "R").orphanMitigation(), "provision/bind timeout: orphan mitigation");
    assertFalse(OsbOutcomes.transport(timeout, false, "R").orphanMitigation(), "other timeouts: none");
    assertFalse(OsbOutcomes.transport(refused, true, "R").orphanMitigation(), "never received: none");
    assertFalse(OsbOutcomes.transport(timeout, true, "R").terminal());
  }

  @ParameterizedTest(name = "update {0} {1} -> {2} terminal={3}")
  @CsvSource(delimiter = '|', value = {
      "200 | {}                                              | DONE     | false",
      "202 | {\"operation\":\"u\"}                        | ACCEPTED | false",
      "202 | nope                                            | FAILED   | false",
      "204 | {}                                              | FAILED   | false",
      "400 | {}                                              | FAILED   | true",
      "422 | {\"error\":\"MaintenanceInfoConflict\"}     | FAILED   | true",
      "422 | {\"error\":\"ConcurrencyError\"}            | FAILED   | false",
      "422 | {\"error\":\"AsyncRequired\"}               | FAILED   | false",
      "422 | {\"description\":\"no such plan change\"}   | FAILED   | true",
      "500 | {}                                              | FAILED   | false",
      "500 | {\"update_repeatable\":false}                 | FAILED   | true"})
  void update(int status, String body, Kind kind, boolean terminal) {
    OsbOutcome o = OsbOutcomes.update("b", r(status, body.trim()));
    assertEquals(kind, o.kind());
    assertEquals(terminal, o.terminal());
    assertFalse(o.orphanMitigation(), "an update is never orphan-mitigated");
  }

  @Test
  void errorFieldsTravel() {
    OsbOutcome o = OsbOutcomes.update("b", r(500, "{\"error\":\"X\",\"instance_usable\":false,\"update_repeatable\":true}"));
    assertEquals("X", o.errorCode());
    assertEquals(Boolean.FALSE, o.instanceUsable());
    assertEquals(Boolean.TRUE, o.updateRepeatable());
    OsbOutcome polled = OsbOutcomes.poll("b", r(200, "{\"state\":\"failed\",\"instance_usable\":false}"), false, "R");
    assertEquals(Boolean.FALSE, polled.instanceUsable());
    assertEquals(Reasons.MAINTENANCE_INFO_CONFLICT,
        OsbOutcomes.provision("b", r(422, "{\"error\":\"MaintenanceInfoConflict\"}")).reason());
    assertEquals(Reasons.REQUIRES_APP, OsbOutcomes.bind("b", r(422, "{\"error\":\"RequiresApp\"}")).reason());
  }

  @Test
  void fetchInstance() {
    assertEquals(Kind.DONE, OsbOutcomes.fetchInstance("b", r(200, "{\"plan_id\":\"p\"}")).kind());
    assertEquals("NotFound", OsbOutcomes.fetchInstance("b", r(404, "{}")).errorCode());
    assertEquals(Kind.POLL_AGAIN, OsbOutcomes.fetchInstance("b", r(422, "{\"error\":\"ConcurrencyError\"}")).kind());
    assertEquals(Kind.FAILED, OsbOutcomes.fetchInstance("b", r(500, "{}")).kind());
  }
}
