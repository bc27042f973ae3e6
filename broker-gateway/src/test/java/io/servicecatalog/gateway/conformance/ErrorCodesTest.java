package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakeBroker.Recorded;
import io.servicecatalog.gateway.support.FakeBroker.Reply;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec's status codes and error codes (Service Broker Errors, Error Codes) for each call. */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class ErrorCodesTest extends GatewayTestBase {

  private ServiceBinding newBinding(ServiceInstance i) {
    ServiceBinding b = Fixtures.binding("app-" + Fixtures.suffix(), i.getMetadata().getName());
    catalogApi.put(b);
    return b;
  }

  private void expectTerminal(ServiceInstance i, String reason) {
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.FAILED));
    OperationResult failed = last(i, Operation.PROVISION, Outcome.FAILED);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertEquals(reason, failed.reason);
    sleep(600);
    assertEquals(List.of("PUT"), calls(instancePath(i)), "terminal: no retry, no orphan mitigation");
  }

  @Test
  void provision409IsTerminalWithoutOrphanMitigation() {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(409, "{\"description\":\"exists with other parameters\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    expectTerminal(i, Reasons.BROKER_RETURNED_FAILURE);
  }

  @Test
  void provisionMaintenanceInfoConflictIsTerminalAndFetchesTheCatalog() {
    plan.getSpec().maintenanceInfo = Json.MAPPER.createObjectNode().put("version", "1.0.0");
    catalogApi.put(plan);
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(422, "{\"error\":\"MaintenanceInfoConflict\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    expectTerminal(i, Reasons.MAINTENANCE_INFO_CONFLICT);
    eventually().until(() -> has(brokerResource, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
  }

  @Test
  void asyncRequiredIsRetriedWithAcceptsIncomplete() {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(422, "{\"error\":\"AsyncRequired\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    List<Recorded> puts = broker.exactly("PUT", instancePath(i));
    assertEquals(2, puts.size());
    puts.forEach(p -> assertEquals("true", p.query().get("accepts_incomplete")));
    assertTrue(broker.exactly("DELETE", instancePath(i)).isEmpty());
  }

  @Test
  void concurrencyErrorWaitsAndRetriesNeverOrphanMitigates() {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "PUT", "", Reply.of(422, "{\"error\":\"ConcurrencyError\"}"),
        Reply.of(422, "{\"error\":\"ConcurrencyError\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("PUT", "PUT", "PUT"), calls(instancePath(i)));
    List<Recorded> puts = broker.exactly("PUT", instancePath(i));
    assertTrue(Duration.between(puts.get(1).at(), puts.get(2).at()).toMillis() >= 300, "backoff doubles between tries");
  }

  @Test
  void bind400And409AreTerminal() {
    ServiceInstance i = readyInstance();
    ServiceBinding b400 = newBinding(i);
    ServiceBinding b409 = newBinding(i);
    broker.program(b400.getSpec().externalID, "PUT", "", Reply.of(400, "{\"description\":\"bad\"}"));
    broker.program(b409.getSpec().externalID, "PUT", "", Reply.of(409));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b400));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b409));
    eventually().until(() -> has(b400, Operation.BIND, Outcome.FAILED) && has(b409, Operation.BIND, Outcome.FAILED));
    assertEquals(Boolean.TRUE, last(b400, Operation.BIND, Outcome.FAILED).terminal);
    assertEquals(Boolean.TRUE, last(b409, Operation.BIND, Outcome.FAILED).terminal);
    sleep(600);
    assertEquals(List.of("PUT"), calls(bindingPath(i, b400)));
    assertEquals(List.of("PUT"), calls(bindingPath(i, b409)));
  }

  @Test
  void requiresAppIsTerminalWithItsOwnReason() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = newBinding(i);
    broker.program(b.getSpec().externalID, "PUT", "", Reply.of(422, "{\"error\":\"RequiresApp\",\"description\":\"bind an app\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    eventually().until(() -> has(b, Operation.BIND, Outcome.FAILED));
    OperationResult failed = last(b, Operation.BIND, Outcome.FAILED);
    assertEquals(Reasons.REQUIRES_APP, failed.reason);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertTrue(failed.message.contains("bind an app"), failed.message);
  }

  @Test
  void bindConcurrencyErrorIsRetriedWithoutOrphanMitigation() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = newBinding(i);
    broker.program(b.getSpec().externalID, "PUT", "", Reply.of(422, "{\"error\":\"ConcurrencyError\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    assertEquals(List.of("PUT", "PUT"), calls(bindingPath(i, b)));
  }

  @Test
  void pollAnswered400FailsTheProvisionAnd410WhileCreatingIsPolledAgain() {
    ServiceInstance bad = newInstance();
    broker.program(bad.getSpec().externalID, "PUT", "", Reply.of(202, "{\"operation\":\"x\"}"));
    broker.program(bad.getSpec().externalID, "GET", "last_operation", Reply.of(400, "{\"description\":\"what operation?\"}"));
    ServiceInstance odd = newInstance();
    broker.program(odd.getSpec().externalID, "PUT", "", Reply.of(202, "{\"operation\":\"y\"}"));
    broker.program(odd.getSpec().externalID, "GET", "last_operation", Reply.of(410), Reply.of(500),
        Reply.of(200, "{\"state\":\"succeeded\"}"));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, bad));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, odd));

    eventually().until(() -> has(odd, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(3, broker.exactly("GET", instancePath(odd) + "/last_operation").size());
    eventually().until(() -> TestTopics.results(uid(bad)).stream().anyMatch(r -> Reasons.ORPHAN_MITIGATION_SUCCESSFUL.equals(r.reason)));
    assertEquals(Boolean.TRUE, last(bad, Operation.PROVISION, Outcome.FAILED).terminal);
  }
}
