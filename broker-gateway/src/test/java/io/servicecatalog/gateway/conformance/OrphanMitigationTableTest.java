package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakeBroker.Reply;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every row of the spec's orphan-mitigation table (spec.md, Orphan Mitigation), against the
 * real HTTP fake broker programmed per request. "OM" = a DELETE of what the failed request may
 * have created, sent before the request is tried again. For deprovision and unbind the
 * mitigation of a failure is the DELETE itself, sent again until the broker confirms.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class OrphanMitigationTableTest extends GatewayTestBase {

  // --- Provisioning ----------------------------------------------------------------------

  @ParameterizedTest(name = "provision answered {0} {1}: orphan mitigation {2}")
  @CsvSource(delimiter = '|', value = {
      "200 | not json | false",   // All: 200 with malformed response -> failure, no OM
      "201 | [1,2]    | true",    // Provisioning: 201 with malformed response -> OM
      "202 | nope     | true",    // Provisioning: 202 with malformed response -> OM
      "204 | {}       | true",    // Provisioning: all other 2xx -> OM
      "408 | {}       | false",   // All: 408 -> no OM
      "403 | {}       | false",   // All: all other 4xx -> no OM
      "500 | {}       | true",    // Provisioning: 5xx -> OM
      "503 | {}       | true"})
  void provisionFailures(int status, String body, boolean orphanMitigation) {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(status, body));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(orphanMitigation ? List.of("PUT", "DELETE", "PUT") : List.of("PUT", "PUT"), calls(instancePath(i)));
    OperationResult failed = TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.FAILED).findFirst().orElseThrow();
    assertEquals(orphanMitigation ? Boolean.TRUE : null, failed.orphanMitigationInProgress);
    assertEquals(Boolean.FALSE, failed.terminal, "every row of the table is retried");
    assertEquals(status, failed.httpStatus);
  }

  @ParameterizedTest(name = "provision answered {0}: success, no orphan mitigation")
  @CsvSource(delimiter = '|', value = {"200 | {}", "201 | {}", "202 | {\"operation\":\"op\"}"})
  void provisionSuccesses(int status, String body) {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(status, body));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertTrue(broker.exactly("DELETE", instancePath(i)).isEmpty());
    assertEquals(1, broker.exactly("PUT", instancePath(i)).size());
  }

  @Test
  void provisionTimeoutIsOrphanMitigated() {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(201).delayed(4000)); // request timeout is 3 s
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("PUT", "DELETE", "PUT"), calls(instancePath(i)));
  }

  @Test
  void asyncProvisionThatFailedIsOrphanMitigatedAndFinal() {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(202, "{\"operation\":\"op-1\"}"));
    broker.program(i.getSpec().externalID, "GET", "last_operation",
        Reply.of(200, "{\"state\":\"failed\",\"description\":\"out of disks\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> TestTopics.results(uid(i)).stream().anyMatch(r -> Reasons.ORPHAN_MITIGATION_SUCCESSFUL.equals(r.reason)));
    assertEquals(List.of("PUT", "DELETE"), calls(instancePath(i)));
    OperationResult end = last(i, Operation.PROVISION, Outcome.FAILED);
    assertEquals(Boolean.TRUE, end.terminal);
    assertEquals(Boolean.FALSE, end.orphanMitigationInProgress);
    assertTrue(end.message.contains("out of disks"), end.message);
  }

  @Test
  void anOrphanMitigationDeleteAnswered202IsPolledOnlyWithinThePlansMaximumPollingDuration() {
    plan.getSpec().maximumPollingDuration = 1L; // the platform's maximum (7d here) is longer
    catalogApi.put(plan);
    ServiceInstance i = newInstance();
    String id = i.getSpec().externalID;
    broker.program(id, "PUT", "", Reply.of(500));
    broker.program(id, "DELETE", "", Reply.of(202, "{\"operation\":\"om-slow\"}")); // the next DELETE: 200
    Reply[] forever = new Reply[100];
    java.util.Arrays.fill(forever, Reply.of(200, "{\"state\":\"in progress\"}"));
    broker.program(id, "GET", "last_operation", forever);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("PUT", "DELETE", "DELETE", "PUT"), calls(instancePath(i)));
    OperationResult gaveUp = TestTopics.results(uid(i)).stream()
        .filter(r -> Reasons.ORPHAN_MITIGATION_FAILED.equals(r.reason)).findFirst().orElseThrow();
    assertTrue(gaveUp.message.contains("did not finish the DELETE in time"), gaveUp.message);
    assertEquals(Boolean.TRUE, gaveUp.orphanMitigationInProgress);
    List<io.servicecatalog.gateway.support.FakeBroker.Recorded> polls = broker.exactly("GET", instancePath(i) + "/last_operation");
    assertTrue(polls.size() >= 1 && polls.size() <= 6, "polled for about a second, not more: " + polls.size());
    java.time.Duration span = java.time.Duration.between(polls.get(0).at(), polls.get(polls.size() - 1).at());
    assertTrue(span.toMillis() < 2000, "polls within the plan's 1 s: " + span);
    assertEquals("om-slow", polls.get(0).query().get("operation"));
  }

  @Test
  void orphanMitigationKeepsDeletingUntilTheBrokerConfirms() {
    ServiceInstance i = newInstance();
    String id = i.getSpec().externalID;
    broker.program(id, "PUT", "", Reply.of(500));
    broker.program(id, "DELETE", "", Reply.of(500), Reply.of(503), Reply.of(202, "{\"operation\":\"om\"}"));
    broker.program(id, "GET", "last_operation", Reply.of(200, "{\"state\":\"in progress\"}"), Reply.of(410));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("PUT", "DELETE", "DELETE", "DELETE", "PUT"), calls(instancePath(i)));
    List<OperationResult> results = TestTopics.results(uid(i));
    assertTrue(results.stream().anyMatch(r -> Reasons.ORPHAN_MITIGATION_FAILED.equals(r.reason)
        && Boolean.TRUE.equals(r.orphanMitigationInProgress)), "a failing mitigation is reported while it goes on");
    assertTrue(results.stream().anyMatch(r -> Reasons.ORPHAN_MITIGATION_SUCCESSFUL.equals(r.reason)
        && Boolean.FALSE.equals(r.orphanMitigationInProgress)));
  }

  // --- Binding ---------------------------------------------------------------------------

  private ServiceBinding newBinding(ServiceInstance i) {
    ServiceBinding b = Fixtures.binding("app-" + Fixtures.suffix(), i.getMetadata().getName());
    catalogApi.put(b);
    return b;
  }

  @ParameterizedTest(name = "bind answered {0} {1}: orphan mitigation {2}")
  @CsvSource(delimiter = '|', value = {
      "200 | [1]   | false",   // All: 200 malformed -> no OM
      "201 | [1]   | true",    // Binding: 201 malformed -> OM
      "202 | nope  | true",    // Binding: 202 malformed -> OM
      "206 | {}    | true",    // Binding: other 2xx -> OM
      "408 | {}    | false",
      "404 | {}    | false",
      "502 | {}    | true"})
  void bindFailures(int status, String body, boolean orphanMitigation) {
    ServiceInstance i = readyInstance();
    ServiceBinding b = newBinding(i);
    broker.program(b.getSpec().externalID, "PUT", "", Reply.of(status, body));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    assertEquals(orphanMitigation ? List.of("PUT", "DELETE", "PUT") : List.of("PUT", "PUT"), calls(bindingPath(i, b)));
    assertEquals(1, TestTopics.credentialRecords(uid(b)).size(), "credentials are published once, for the bind that worked");
  }

  @Test
  void bindTimeoutIsOrphanMitigated() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = newBinding(i);
    broker.program(b.getSpec().externalID, "PUT", "", Reply.of(201, FakeCreds.of("x")).delayed(4000));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    assertEquals(List.of("PUT", "DELETE", "PUT"), calls(bindingPath(i, b)));
  }

  @Test
  void asyncBindThatFailedIsOrphanMitigated() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = newBinding(i);
    broker.program(b.getSpec().externalID, "PUT", "", Reply.of(202, "{\"operation\":\"b1\"}"));
    broker.program(b.getSpec().externalID, "GET", "last_operation", Reply.of(200, "{\"state\":\"failed\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    eventually().until(() -> TestTopics.results(uid(b)).stream().anyMatch(r -> Reasons.ORPHAN_MITIGATION_SUCCESSFUL.equals(r.reason)));
    assertEquals(List.of("PUT", "DELETE"), calls(bindingPath(i, b)), "the original left async bind failures alone (§5.6)");
    assertEquals(Boolean.TRUE, last(b, Operation.BIND, Outcome.FAILED).terminal);
    assertTrue(TestTopics.credentialRecords(uid(b)).isEmpty());
  }

  // --- Deprovisioning / Unbinding: the DELETE is repeated until confirmed ----------------

  private ServiceInstance deletingInstance() {
    ServiceInstance i = Fixtures.markDeleting(readyInstance());
    catalogApi.put(i);
    return i;
  }

  @ParameterizedTest(name = "deprovision answered {0}: DELETE again")
  @CsvSource({"500", "204", "400", "422"})
  void deprovisionFailuresAreRepeated(int status) {
    ServiceInstance i = deletingInstance();
    broker.program(i.getSpec().externalID, "DELETE", "", Reply.of(status));
    TestTopics.send(Fixtures.modified(i));
    eventually().until(() -> has(i, Operation.DEPROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("DELETE", "DELETE"), calls(instancePath(i)));
    OperationResult failed = last(i, Operation.DEPROVISION, Outcome.FAILED);
    assertEquals(Boolean.FALSE, failed.terminal);
  }

  @Test
  void asyncDeprovisionThatFailedIsSentAgain() {
    ServiceInstance i = deletingInstance();
    String id = i.getSpec().externalID;
    broker.program(id, "DELETE", "", Reply.of(202, "{\"operation\":\"d1\"}"));
    broker.program(id, "GET", "last_operation", Reply.of(200, "{\"state\":\"failed\",\"instance_usable\":false}"));
    TestTopics.send(Fixtures.modified(i));
    eventually().until(() -> has(i, Operation.DEPROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("DELETE", "GET", "DELETE"), broker.requests().stream()
        .filter(r -> r.path().startsWith(instancePath(i))).map(r -> r.method()).toList());
    assertEquals(Boolean.FALSE, last(i, Operation.DEPROVISION, Outcome.FAILED).instanceUsable);
  }

  @Test
  void deprovisionAnswered410IsSuccessAndSoIsA410Poll() {
    ServiceInstance gone = deletingInstance();
    broker.program(gone.getSpec().externalID, "DELETE", "", Reply.of(410));
    TestTopics.send(Fixtures.modified(gone));
    ServiceInstance polled = deletingInstance();
    broker.program(polled.getSpec().externalID, "DELETE", "", Reply.of(202, "{}"));
    broker.program(polled.getSpec().externalID, "GET", "last_operation", Reply.of(410));
    TestTopics.send(Fixtures.modified(polled));
    eventually().until(() -> has(gone, Operation.DEPROVISION, Outcome.SUCCEEDED) && has(polled, Operation.DEPROVISION, Outcome.SUCCEEDED));
    assertEquals(1, broker.exactly("DELETE", instancePath(gone)).size());
    assertEquals(1, broker.exactly("DELETE", instancePath(polled)).size());
  }

  private ServiceBinding unbindingBinding(ServiceInstance i) {
    ServiceBinding b = Fixtures.binding("app-" + Fixtures.suffix(), i.getMetadata().getName());
    b.getMetadata().setDeletionTimestamp(Times.now());
    b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
    catalogApi.put(b);
    return b;
  }

  @ParameterizedTest(name = "unbind answered {0}: DELETE again")
  @CsvSource({"502", "206"})
  void unbindFailuresAreRepeated(int status) {
    ServiceInstance i = readyInstance();
    ServiceBinding b = unbindingBinding(i);
    broker.program(b.getSpec().externalID, "DELETE", "", Reply.of(status));
    TestTopics.send(Fixtures.modified(b));
    eventually().until(() -> has(b, Operation.UNBIND, Outcome.SUCCEEDED));
    assertEquals(List.of("DELETE", "DELETE"), calls(bindingPath(i, b)));
  }

  @Test
  void asyncUnbindThatFailedIsSentAgainAnd410IsSuccess() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = unbindingBinding(i);
    broker.program(b.getSpec().externalID, "DELETE", "", Reply.of(202, "{\"operation\":\"u\"}"), Reply.of(410));
    broker.program(b.getSpec().externalID, "GET", "last_operation", Reply.of(200, "{\"state\":\"failed\"}"));
    TestTopics.send(Fixtures.modified(b));
    eventually().until(() -> has(b, Operation.UNBIND, Outcome.SUCCEEDED));
    assertEquals(List.of("DELETE", "GET", "DELETE"), broker.requests().stream()
        .filter(r -> r.path().startsWith(bindingPath(i, b))).map(r -> r.method()).toList());
  }

  @Test
  void deleteTimeoutsAreRetriedWithoutAnythingElse() {
    ServiceInstance i = deletingInstance();
    broker.program(i.getSpec().externalID, "DELETE", "", Reply.of(200).delayed(4000));
    TestTopics.send(Fixtures.modified(i));
    eventually().atMost(Duration.ofSeconds(40)).until(() -> has(i, Operation.DEPROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("DELETE", "DELETE"), calls(instancePath(i)));
  }

  // --- Updating: never orphan mitigation --------------------------------------------------

  private ServiceInstance changedInstance() {
    ServiceInstance i = readyInstance();
    i.getMetadata().setGeneration(2L);
    i.getSpec().parameters = io.servicecatalog.model.Json.MAPPER.createObjectNode().put("charset", "latin1");
    catalogApi.put(i);
    return i;
  }

  @ParameterizedTest(name = "update answered {0}: retried, no orphan mitigation")
  @CsvSource(delimiter = '|', value = {"204 | {}", "500 | {}", "408 | {}", "202 | nope"})
  void updateFailuresAreNeverOrphanMitigated(int status, String body) {
    ServiceInstance i = changedInstance();
    broker.program(i.getSpec().externalID, "PATCH", "", Reply.of(status, body));
    TestTopics.send(Fixtures.modified(i));
    eventually().until(() -> has(i, Operation.UPDATE, Outcome.SUCCEEDED));
    assertEquals(List.of("PATCH", "PATCH"), calls(instancePath(i)));
    OperationResult failed = last(i, Operation.UPDATE, Outcome.FAILED);
    assertEquals(Boolean.FALSE, failed.terminal);
    assertNotEquals(Boolean.TRUE, failed.orphanMitigationInProgress);
  }

  @Test
  void updateTimeoutIsRetriedWithoutOrphanMitigation() {
    ServiceInstance i = changedInstance();
    broker.program(i.getSpec().externalID, "PATCH", "", Reply.of(200).delayed(4000));
    TestTopics.send(Fixtures.modified(i));
    eventually().atMost(Duration.ofSeconds(40)).until(() -> has(i, Operation.UPDATE, Outcome.SUCCEEDED));
    assertEquals(List.of("PATCH", "PATCH"), calls(instancePath(i)));
  }

  /** Credentials bodies for programmed bind answers. */
  static final class FakeCreds {
    static String of(String user) {
      return "{\"credentials\":{\"username\":\"" + user + "\",\"password\":\"pw-" + user + "\"}}";
    }
  }
}
