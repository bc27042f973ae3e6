package io.servicecatalog.gateway;

import static io.servicecatalog.gateway.support.Fixtures.suffix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakeBroker;
import io.servicecatalog.gateway.support.FakeBroker.Behaviour;
import io.servicecatalog.gateway.support.FakeBroker.Recorded;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.PropertiesState;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class ProvisionTest extends GatewayTestBase {

  private static String uid(ServiceInstance i) {
    return i.getMetadata().getUid();
  }

  private static String path(ServiceInstance i) {
    return "/v2/service_instances/" + i.getSpec().externalID;
  }

  private static boolean has(String uid, Operation op, Outcome outcome) {
    return TestTopics.results(uid).stream().anyMatch(r -> r.operation == op && r.outcome == outcome);
  }

  @Test
  void syncProvisionReportsInFlightThenSucceededWithTheSpecsRequest() throws Exception {
    ServiceInstance i = newInstance();
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(uid(i), Operation.PROVISION, Outcome.SUCCEEDED));
    List<OperationResult> results = TestTopics.results(uid(i));
    OperationResult inFlight = results.get(0);
    assertEquals(Outcome.IN_PROGRESS, inFlight.outcome);
    assertEquals(Reasons.PROVISION_REQUEST_IN_FLIGHT, inFlight.reason);
    OperationResult done = results.get(results.size() - 1);
    assertEquals(Outcome.SUCCEEDED, done.outcome);
    assertEquals(Reasons.PROVISIONED_SUCCESSFULLY, done.reason);
    assertEquals("broker-gateway", done.source);
    assertEquals("ServiceInstance", done.kind);
    assertEquals(Fixtures.NAMESPACE, done.namespace);
    assertEquals(i.getMetadata().getName(), done.name);
    assertEquals(1L, done.generation);
    assertEquals(201, done.httpStatus);
    assertEquals("http://dash/" + i.getSpec().externalID, done.dashboardURL);

    List<Recorded> puts = broker.exactly("PUT", path(i));
    assertEquals(1, puts.size());
    Recorded put = puts.get(0);
    assertEquals(done.requestIdentity, put.header("X-Broker-API-Request-Identity"));
    assertEquals("true", put.query().get("accepts_incomplete"));

    // Headers: API version, request identity (a UUID), basic auth from the Secret, identity, JSON.
    assertEquals("2.17", put.header("X-Broker-API-Version"));
    UUID.fromString(put.header("X-Broker-API-Request-Identity"));
    assertEquals("Basic " + Base64.getEncoder().encodeToString((FakeBroker.USER + ":" + FakeBroker.PASSWORD).getBytes()),
        put.header("Authorization"));
    assertEquals("application/json", put.header("Content-Type"));
    String identity = put.header("X-Broker-API-Originating-Identity");
    assertTrue(identity.startsWith("kubernetes "), identity);
    JsonNode user = Json.MAPPER.readTree(Base64.getDecoder().decode(identity.substring("kubernetes ".length())));
    assertEquals("alice", user.get("username").asText());
    assertEquals("uid-alice", user.get("uid").asText());
    assertEquals("dev", user.get("groups").get(0).asText());
    assertEquals("a", user.at("/extra/scopes/0").asText());

    // Body: ids, deprecated guids, parameters and the Kubernetes context.
    JsonNode body = Json.MAPPER.readTree(put.body());
    ConfigMap clusterInfo = kube.configMaps().inNamespace("default").withName("cluster-info").get();
    assertNotNull(clusterInfo, "the cluster id ConfigMap is created when missing");
    String clusterId = clusterInfo.getData().get("id");
    assertEquals(serviceClass.getSpec().externalID, body.get("service_id").asText());
    assertEquals(plan.getSpec().externalID, body.get("plan_id").asText());
    assertEquals(clusterId, body.get("organization_guid").asText());
    assertEquals(namespaceUid(), body.get("space_guid").asText());
    assertEquals("utf8mb4", body.at("/parameters/charset").asText());
    assertEquals("kubernetes", body.at("/context/platform").asText());
    assertEquals(Fixtures.NAMESPACE, body.at("/context/namespace").asText());
    assertEquals(clusterId, body.at("/context/clusterid").asText());
    assertEquals(i.getMetadata().getName(), body.at("/context/instance_name").asText());
    assertEquals("alice", body.at("/context/instance_annotations/team.example.com~1owner").asText());
    // Results never carry parameter values.
    TestTopics.resultRecords(uid(i)).forEach(r -> assertFalse(r.value().contains("utf8mb4")));
  }

  @Test
  void aNamespaceUnknownToKubernetesGetsANameBasedSpaceGuid() throws Exception {
    ServiceInstance i = Fixtures.instance("db-" + suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
    i.getMetadata().setNamespace("rest-only");
    catalogApi.put(i);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(uid(i), Operation.PROVISION, Outcome.SUCCEEDED));
    JsonNode body = Json.MAPPER.readTree(broker.exactly("PUT", path(i)).get(0).body());
    assertEquals(UUID.nameUUIDFromBytes("rest-only".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(),
        body.get("space_guid").asText());
    assertEquals("rest-only", body.at("/context/namespace").asText());
  }

  @Test
  void asyncProvisionPollsLastOperationHonouringRetryAfter() {
    ServiceInstance i = newInstance();
    broker.behave(i.getSpec().externalID, Behaviour.async(3, "1"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().atMost(Duration.ofSeconds(40)).until(() -> has(uid(i), Operation.PROVISION, Outcome.SUCCEEDED));
    List<OperationResult> results = TestTopics.results(uid(i));
    OperationResult accepted = results.stream()
        .filter(r -> r.outcome == Outcome.IN_PROGRESS && Boolean.TRUE.equals(r.asyncOpInProgress)).findFirst().orElseThrow();
    assertEquals(Reasons.PROVISIONING, accepted.reason);
    assertEquals("op-" + i.getSpec().externalID, accepted.lastOperation);
    // One progress report per new description, not per poll.
    List<String> progress = results.stream().filter(r -> r.outcome == Outcome.IN_PROGRESS).map(r -> r.message).toList();
    assertTrue(progress.contains("step 1 of 3") && progress.contains("step 3 of 3"), progress.toString());
    assertEquals(1, progress.stream().filter("step 2 of 3"::equals).count());
    assertEquals(Outcome.SUCCEEDED, results.get(results.size() - 1).outcome);

    List<Recorded> polls = broker.exactly("GET", path(i) + "/last_operation");
    assertEquals(4, polls.size());
    for (Recorded p : polls) {
      assertEquals("op-" + i.getSpec().externalID, p.query().get("operation"));
      assertEquals(serviceClass.getSpec().externalID, p.query().get("service_id"));
      assertEquals(plan.getSpec().externalID, p.query().get("plan_id"));
      assertEquals("2.17", p.header("X-Broker-API-Version"));
    }
    // Retry-After: 1 (seconds) beats the 200 ms → 400 ms backoff configured for tests.
    for (int n = 1; n < polls.size(); n++) {
      long gap = Duration.between(polls.get(n - 1).at(), polls.get(n).at()).toMillis();
      assertTrue(gap >= 900, "poll " + n + " came after " + gap + " ms");
    }
    assertEquals(1, broker.exactly("PUT", path(i)).size());
  }

  @Test
  void provision500IsOrphanMitigatedThenRetried() {
    ServiceInstance i = newInstance();
    broker.behave(i.getSpec().externalID, Behaviour.statuses(500, 201));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(uid(i), Operation.PROVISION, Outcome.SUCCEEDED));
    List<Recorded> calls = broker.requests().stream().filter(r -> r.path().equals(path(i))).toList();
    assertEquals(List.of("PUT", "DELETE", "PUT"), calls.stream().map(Recorded::method).toList());
    Recorded delete = calls.get(1);
    assertEquals(serviceClass.getSpec().externalID, delete.query().get("service_id"));
    assertEquals(plan.getSpec().externalID, delete.query().get("plan_id"));
    assertNull(delete.header("X-Broker-API-Originating-Identity"), "orphan mitigation is not a user's action");

    List<OperationResult> results = TestTopics.results(uid(i));
    OperationResult failed = results.stream().filter(r -> r.outcome == Outcome.FAILED).findFirst().orElseThrow();
    assertEquals(Boolean.TRUE, failed.orphanMitigationInProgress);
    assertEquals(Boolean.FALSE, failed.terminal);
    assertEquals(500, failed.httpStatus);
    assertTrue(failed.message.contains("HTTP 500"), failed.message);
    assertTrue(results.stream().anyMatch(r -> Reasons.ORPHAN_MITIGATION_SUCCESSFUL.equals(r.reason)
        && Boolean.FALSE.equals(r.orphanMitigationInProgress)));
  }

  @Test
  void aProvisionThatTimesOutIsOrphanMitigatedThenRetried() {
    ServiceInstance i = newInstance();
    Behaviour slowOnce = Behaviour.sync();
    slowOnce.delayMs = 4000; // the test profile's request timeout is 3 s
    slowOnce.slowPuts = 1;
    broker.behave(i.getSpec().externalID, slowOnce);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(uid(i), Operation.PROVISION, Outcome.SUCCEEDED));
    List<String> calls = broker.requests().stream().filter(r -> r.path().equals(path(i))).map(Recorded::method).toList();
    assertEquals(List.of("PUT", "DELETE", "PUT"), calls);
    OperationResult failed = TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.FAILED).findFirst().orElseThrow();
    assertEquals(Boolean.TRUE, failed.orphanMitigationInProgress);
    assertNull(failed.httpStatus);
    assertTrue(failed.message.contains("no answer within 3s"), failed.message);
  }

  @Test
  void provision400FailsTerminallyWithoutOrphanMitigation() throws Exception {
    ServiceInstance i = newInstance();
    broker.behave(i.getSpec().externalID, Behaviour.statuses(400));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> has(uid(i), Operation.PROVISION, Outcome.FAILED));
    OperationResult failed = TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.FAILED).findFirst().orElseThrow();
    assertEquals(Boolean.TRUE, failed.terminal);
    assertEquals(Reasons.BROKER_RETURNED_FAILURE, failed.reason);
    assertTrue(failed.message.contains("HTTP 400") && failed.message.contains("the fake broker says no"), failed.message);
    Thread.sleep(1000);
    assertEquals(1, broker.exactly("PUT", path(i)).size());
    assertTrue(broker.exactly("DELETE", path(i)).isEmpty());
  }

  @Test
  void theSameEventTwiceProvisionsExactlyOnce() throws Exception {
    ServiceInstance i = newInstance();
    broker.behave(i.getSpec().externalID, Behaviour.async(2, null));
    ResourceEvent event = Fixtures.event(ResourceEvent.Type.ADDED, i);
    TestTopics.send(event);
    TestTopics.send(event);

    eventually().until(() -> has(uid(i), Operation.PROVISION, Outcome.SUCCEEDED));
    TestTopics.send(event);
    Thread.sleep(1500);
    assertEquals(1, broker.exactly("PUT", path(i)).size());
    assertEquals(1, TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.SUCCEEDED).count());
  }

  @Test
  void deletingInstanceIsDeprovisionedWithThePlanTheBrokerHas() {
    ServiceInstance i = Fixtures.markDeleting(Fixtures.markProvisioned(newInstance()));
    i.getStatus().externalProperties = new PropertiesState();
    i.getStatus().externalProperties.clusterServicePlanExternalID = "plan-at-broker";
    catalogApi.put(i);
    TestTopics.send(Fixtures.modified(i));

    eventually().until(() -> has(uid(i), Operation.DEPROVISION, Outcome.SUCCEEDED));
    List<Recorded> deletes = broker.exactly("DELETE", path(i));
    assertEquals(1, deletes.size());
    assertEquals("true", deletes.get(0).query().get("accepts_incomplete"));
    assertEquals(serviceClass.getSpec().externalID, deletes.get(0).query().get("service_id"));
    assertEquals("plan-at-broker", deletes.get(0).query().get("plan_id"));
    assertTrue(broker.exactly("PUT", path(i)).isEmpty());
    OperationResult done = TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.SUCCEEDED).findFirst().orElseThrow();
    assertEquals(Reasons.DEPROVISIONED_SUCCESSFULLY, done.reason);
    assertEquals(2L, done.generation);
  }

  @Test
  void deleteDuringAnAsyncProvisionIsSentAtOnceAndEndsThePolling() {
    ServiceInstance i = newInstance();
    broker.behave(i.getSpec().externalID, Behaviour.async(1000, null));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> !broker.exactly("GET", path(i) + "/last_operation").isEmpty());

    // Deleted while the broker is still provisioning: catalog-api marks deprovision required.
    ServiceInstance deleting = Fixtures.markDeleting(i);
    deleting.getStatus().deprovisionStatus = "Required";
    catalogApi.put(deleting);
    TestTopics.send(Fixtures.modified(deleting));

    eventually().until(() -> has(uid(i), Operation.DEPROVISION, Outcome.SUCCEEDED));
    int pollsAtDelete = broker.exactly("GET", path(i) + "/last_operation").size();
    sleep(1500);
    assertEquals(pollsAtDelete, broker.exactly("GET", path(i) + "/last_operation").size(),
        "the provision is no longer polled once the broker accepted the delete");
    assertEquals(1, broker.exactly("DELETE", path(i)).size());
    assertFalse(has(uid(i), Operation.PROVISION, Outcome.SUCCEEDED));
  }

  @Test
  void aDeleteTheBrokerRefusesWithConcurrencyErrorWaitsAndIsRetriedWithoutOrphanMitigation() {
    ServiceInstance i = newInstance();
    broker.behave(i.getSpec().externalID, Behaviour.async(3, null));
    broker.program(i.getSpec().externalID, "DELETE", "", FakeBroker.Reply.of(422, "{\"error\":\"ConcurrencyError\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> !broker.exactly("GET", path(i) + "/last_operation").isEmpty());
    ServiceInstance deleting = Fixtures.markDeleting(i);
    deleting.getStatus().deprovisionStatus = "Required";
    catalogApi.put(deleting);
    TestTopics.send(Fixtures.modified(deleting));

    eventually().until(() -> has(uid(i), Operation.DEPROVISION, Outcome.SUCCEEDED));
    assertEquals(2, broker.exactly("DELETE", path(i)).size(), "refused once (ConcurrencyError), then accepted");
    assertTrue(TestTopics.results(uid(i)).stream().noneMatch(r -> Boolean.TRUE.equals(r.orphanMitigationInProgress)));
  }

  @Test
  void pollingStopsAtThePlansMaximumPollingDuration() {
    plan.getSpec().maximumPollingDuration = 1L;
    catalogApi.put(plan);
    ServiceInstance i = newInstance();
    broker.behave(i.getSpec().externalID, Behaviour.async(1000, null));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));

    eventually().until(() -> TestTopics.results(uid(i)).stream()
        .anyMatch(r -> Reasons.ORPHAN_MITIGATION_SUCCESSFUL.equals(r.reason)));
    OperationResult failed = TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.FAILED).findFirst().orElseThrow();
    assertEquals("ErrorPollingLastOperation", failed.reason);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertEquals(Boolean.TRUE, failed.orphanMitigationInProgress);
    assertEquals(1, broker.exactly("DELETE", path(i)).size());
    assertEquals(1, broker.exactly("PUT", path(i)).size(), "a timed-out provision is final");
  }

  @Test
  void deprovisionIsNotSentWhileBlockedByBindings() throws Exception {
    ServiceInstance i = Fixtures.markDeleting(Fixtures.markProvisioned(newInstance()));
    i.getStatus().setCondition("Ready", "False", Reasons.DEPROVISION_BLOCKED_BY_CREDENTIALS, "bindings exist");
    catalogApi.put(i);
    TestTopics.send(Fixtures.modified(i));
    Thread.sleep(1000);
    assertTrue(broker.exactly("DELETE", path(i)).isEmpty());
    assertTrue(TestTopics.results(uid(i)).isEmpty());
  }
}
