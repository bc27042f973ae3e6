package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.servicecatalog.model.v1beta1.ClusterObjectReference;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.PropertiesState;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceStatus;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PATCH /v2/service_instances/:id (spec: Updating a Service Instance): what is sent (plan only
 * when it changes and plan_updateable allows it, parameters only when they changed,
 * maintenance_info with previous_values), async updates polled with the previous plan, and how
 * failures come back (instance_usable, update_repeatable, MaintenanceInfoConflict).
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class UpdateTest extends GatewayTestBase {

  /** Provisioned by the gateway, then marked as catalog-api would: generation 1 processed. */
  private ServiceInstance provisioned() {
    ServiceInstance i = newInstance();
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    Fixtures.markProvisioned(i);
    i.getStatus().externalProperties = new PropertiesState();
    i.getStatus().externalProperties.clusterServicePlanExternalID = plan.getSpec().externalID;
    i.getStatus().observedGeneration = 1L;
    catalogApi.put(i);
    return i;
  }

  /** The user's change as catalog-api stores it: generation 2, not processed yet. */
  private void change(ServiceInstance i) {
    i.getMetadata().setGeneration(2L);
    catalogApi.put(i);
    TestTopics.send(Fixtures.modified(i));
  }

  private ClusterServicePlan secondPlan() {
    String s = Fixtures.suffix();
    ClusterServicePlan p2 = Fixtures.plan("plan2-" + s, brokerResource.getMetadata().getName(), serviceClass.getMetadata().getName(),
        "plan2-" + s, null);
    p2.getSpec().externalName = "large";
    catalogApi.put(p2);
    return p2;
  }

  private JsonNode patchBody(ServiceInstance i) throws Exception {
    List<Recorded> patches = broker.exactly("PATCH", instancePath(i));
    return Json.MAPPER.readTree(patches.get(patches.size() - 1).body());
  }

  @Test
  void changedParametersAreSentAloneWithPreviousValues() throws Exception {
    ServiceInstance i = provisioned();
    i.getSpec().parameters = Json.MAPPER.createObjectNode().put("charset", "latin1").put("size", 2);
    change(i);

    eventually().until(() -> has(i, Operation.UPDATE, Outcome.SUCCEEDED));
    JsonNode body = patchBody(i);
    assertEquals(serviceClass.getSpec().externalID, body.get("service_id").asText());
    assertFalse(body.has("plan_id"), "the plan did not change: no plan_id");
    assertEquals("latin1", body.at("/parameters/charset").asText());
    assertEquals(plan.getSpec().externalID, body.at("/previous_values/plan_id").asText());
    assertEquals("kubernetes", body.at("/context/platform").asText());
    assertEquals(i.getMetadata().getName(), body.at("/context/instance_name").asText());
    Recorded patch = broker.exactly("PATCH", instancePath(i)).get(0);
    assertEquals("true", patch.query().get("accepts_incomplete"));
    assertTrue(patch.header("X-Broker-API-Originating-Identity").startsWith("kubernetes "));

    List<OperationResult> results = TestTopics.results(uid(i)).stream().filter(r -> r.operation == Operation.UPDATE).toList();
    assertEquals(Reasons.UPDATE_INSTANCE_REQUEST_IN_FLIGHT, results.get(0).reason);
    OperationResult done = results.get(results.size() - 1);
    assertEquals(Reasons.INSTANCE_UPDATED_SUCCESSFULLY, done.reason);
    assertEquals(2L, done.generation);
    assertEquals(plan.getSpec().externalID, done.planExternalID);
    TestTopics.resultRecords(uid(i)).forEach(r -> assertFalse(r.value().contains("latin1"), "no parameter values in results"));
  }

  @Test
  void anUpdateRequestWithNothingToChangeMakesNoCall() {
    ServiceInstance i = provisioned();
    i.getSpec().updateRequests = 1L;
    change(i);
    eventually().until(() -> has(i, Operation.UPDATE, Outcome.SUCCEEDED));
    assertTrue(broker.exactly("PATCH", instancePath(i)).isEmpty());
    assertTrue(last(i, Operation.UPDATE, Outcome.SUCCEEDED).message.contains("Nothing changed"));
  }

  @ParameterizedTest(name = "plan_updateable plan={0} class={1}: plan change allowed={2}")
  @CsvSource(nullValues = "null", value = {
      "true,  null,  true",
      "null,  true,  true",
      "false, true,  false",   // the plan's flag overrides its class's
      "true,  false, true",
      "null,  null,  false",   // spec default: false
      "null,  false, false"})
  void planChangeFollowsPlanUpdateableAtPlanThenClassLevel(Boolean planFlag, Boolean classFlag, boolean allowed) throws Exception {
    plan.getSpec().planUpdatable = planFlag;
    serviceClass.getSpec().planUpdatable = classFlag;
    catalogApi.put(plan);
    catalogApi.put(serviceClass);
    ServiceInstance i = provisioned();
    ClusterServicePlan large = secondPlan();
    i.getSpec().clusterServicePlanRef = new ClusterObjectReference(large.getMetadata().getName());
    change(i);

    if (allowed) {
      eventually().until(() -> has(i, Operation.UPDATE, Outcome.SUCCEEDED));
      JsonNode body = patchBody(i);
      assertEquals(large.getSpec().externalID, body.get("plan_id").asText());
      assertEquals(plan.getSpec().externalID, body.at("/previous_values/plan_id").asText());
      assertFalse(body.has("parameters"), "parameters did not change: not sent");
      assertEquals(large.getSpec().externalID, last(i, Operation.UPDATE, Outcome.SUCCEEDED).planExternalID);
    } else {
      eventually().until(() -> has(i, Operation.UPDATE, Outcome.FAILED));
      OperationResult failed = last(i, Operation.UPDATE, Outcome.FAILED);
      assertEquals(Reasons.ERROR_PLAN_NOT_UPDATABLE, failed.reason);
      assertEquals(Boolean.TRUE, failed.terminal);
      sleep(500);
      assertTrue(broker.exactly("PATCH", instancePath(i)).isEmpty(), "no plan change request is ever sent");
    }
  }

  @Test
  void anAsyncPlanChangeIsPolledWithThePreviousPlan() throws Exception {
    plan.getSpec().planUpdatable = true;
    catalogApi.put(plan);
    ServiceInstance i = provisioned();
    ClusterServicePlan large = secondPlan();
    broker.program(i.getSpec().externalID, "PATCH", "", Reply.of(202, "{\"operation\":\"upd-1\",\"dashboard_url\":\"http://dash/new\"}"));
    broker.program(i.getSpec().externalID, "GET", "last_operation",
        Reply.of(200, "{\"state\":\"in progress\",\"description\":\"resizing\"}").header("Retry-After", "1"),
        Reply.of(200, "{\"state\":\"succeeded\"}"));
    i.getSpec().clusterServicePlanRef = new ClusterObjectReference(large.getMetadata().getName());
    change(i);

    eventually().until(() -> has(i, Operation.UPDATE, Outcome.SUCCEEDED));
    List<Recorded> polls = broker.exactly("GET", instancePath(i) + "/last_operation");
    assertEquals(2, polls.size());
    for (Recorded p : polls) {
      assertEquals(plan.getSpec().externalID, p.query().get("plan_id"), "spec: the plan before the update");
      assertEquals("upd-1", p.query().get("operation"));
    }
    OperationResult progress = TestTopics.results(uid(i)).stream()
        .filter(r -> r.operation == Operation.UPDATE && Reasons.UPDATING_INSTANCE.equals(r.reason) && Boolean.TRUE.equals(r.asyncOpInProgress))
        .findFirst().orElseThrow();
    assertEquals("http://dash/new", progress.dashboardURL);
    OperationResult done = last(i, Operation.UPDATE, Outcome.SUCCEEDED);
    assertEquals(large.getSpec().externalID, done.planExternalID);
    assertEquals("http://dash/new", done.dashboardURL);
  }

  @Test
  void aMaintenanceUpgradeSendsTheNewVersionWithThePreviousOne() throws Exception {
    plan.getSpec().maintenanceInfo = Json.MAPPER.createObjectNode().put("version", "1.0.0").put("description", "first");
    catalogApi.put(plan);
    ServiceInstance i = provisioned();
    assertEquals("1.0.0", Json.MAPPER.readTree(broker.exactly("PUT", instancePath(i)).get(0).body()).at("/maintenance_info/version").asText());
    assertEquals("1.0.0", last(i, Operation.PROVISION, Outcome.SUCCEEDED).maintenanceInfoVersion);

    // The broker's catalog now has 2.0.0; the user asks for the upgrade (updateRequests + 1).
    plan.getSpec().maintenanceInfo = Json.MAPPER.createObjectNode().put("version", "2.0.0");
    catalogApi.put(plan);
    i.getSpec().updateRequests = 1L;
    change(i);

    eventually().until(() -> has(i, Operation.UPDATE, Outcome.SUCCEEDED));
    JsonNode body = patchBody(i);
    assertEquals("2.0.0", body.at("/maintenance_info/version").asText());
    assertEquals("1.0.0", body.at("/previous_values/maintenance_info/version").asText());
    assertFalse(body.has("plan_id"));
    assertFalse(body.has("parameters"));
    assertEquals("2.0.0", last(i, Operation.UPDATE, Outcome.SUCCEEDED).maintenanceInfoVersion);
  }

  @Test
  void aMaintenanceInfoConflictIsTerminalAndFetchesTheCatalogAgain() {
    plan.getSpec().maintenanceInfo = Json.MAPPER.createObjectNode().put("version", "1.0.0");
    catalogApi.put(plan);
    ServiceInstance i = provisioned();
    plan.getSpec().maintenanceInfo = Json.MAPPER.createObjectNode().put("version", "1.1.0");
    catalogApi.put(plan);
    broker.program(i.getSpec().externalID, "PATCH", "", Reply.of(422,
        "{\"error\":\"MaintenanceInfoConflict\",\"description\":\"the catalog has 1.2.0\"}"));
    int catalogFetches = broker.exactly("GET", "/v2/catalog").size();
    i.getSpec().updateRequests = 1L;
    change(i);

    eventually().until(() -> has(i, Operation.UPDATE, Outcome.FAILED));
    OperationResult failed = last(i, Operation.UPDATE, Outcome.FAILED);
    assertEquals(Reasons.MAINTENANCE_INFO_CONFLICT, failed.reason);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertEquals(422, failed.httpStatus);
    eventually().until(() -> broker.exactly("GET", "/v2/catalog").size() > catalogFetches);
    eventually().until(() -> has(brokerResource, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    sleep(500);
    assertEquals(1, broker.exactly("PATCH", instancePath(i)).size());
  }

  @Test
  void updateRepeatableFalseAndInstanceUsableFalseEndTheUpdateAndTravelInTheResult() {
    ServiceInstance i = provisioned();
    broker.program(i.getSpec().externalID, "PATCH", "", Reply.of(500,
        "{\"error\":\"Broken\",\"description\":\"half applied\",\"instance_usable\":false,\"update_repeatable\":false}"));
    i.getSpec().parameters = Json.MAPPER.createObjectNode().put("charset", "ascii");
    change(i);

    eventually().until(() -> has(i, Operation.UPDATE, Outcome.FAILED));
    OperationResult failed = last(i, Operation.UPDATE, Outcome.FAILED);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertEquals(Boolean.FALSE, failed.instanceUsable);
    assertEquals(Boolean.FALSE, failed.updateRepeatable);
    assertNull(failed.orphanMitigationInProgress);
    sleep(800);
    assertEquals(1, broker.exactly("PATCH", instancePath(i)).size());
    assertTrue(broker.exactly("DELETE", instancePath(i)).isEmpty());
  }

  @Test
  void aFailedAsyncUpdateIsRepeatedOnlyWhenTheBrokerSaysSo() {
    ServiceInstance once = provisioned();
    broker.program(once.getSpec().externalID, "PATCH", "", Reply.of(202, "{}"));
    broker.program(once.getSpec().externalID, "GET", "last_operation",
        Reply.of(200, "{\"state\":\"failed\",\"description\":\"nope\",\"instance_usable\":true}"));
    once.getSpec().parameters = Json.MAPPER.createObjectNode().put("charset", "ascii");
    change(once);
    ServiceInstance again = provisioned();
    broker.program(again.getSpec().externalID, "PATCH", "", Reply.of(202, "{}"));
    broker.program(again.getSpec().externalID, "GET", "last_operation",
        Reply.of(200, "{\"state\":\"failed\",\"update_repeatable\":true}"));
    again.getSpec().parameters = Json.MAPPER.createObjectNode().put("charset", "ascii");
    change(again);

    eventually().until(() -> has(once, Operation.UPDATE, Outcome.FAILED) && has(again, Operation.UPDATE, Outcome.SUCCEEDED));
    OperationResult failed = last(once, Operation.UPDATE, Outcome.FAILED);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertEquals(Boolean.TRUE, failed.instanceUsable);
    assertEquals(1, broker.exactly("PATCH", instancePath(once)).size());
    assertEquals(2, broker.exactly("PATCH", instancePath(again)).size());
  }

  @ParameterizedTest(name = "update answered {0} {1}: terminal")
  @CsvSource(delimiter = '|', value = {"400 | {\"description\":\"bad\"}", "422 | {\"error\":\"PlanChangeNotSupported\"}"})
  void updateRejectionsAreTerminal(int status, String body) {
    ServiceInstance i = provisioned();
    broker.program(i.getSpec().externalID, "PATCH", "", Reply.of(status, body));
    i.getSpec().parameters = Json.MAPPER.createObjectNode().put("charset", "ascii");
    change(i);
    eventually().until(() -> has(i, Operation.UPDATE, Outcome.FAILED));
    assertEquals(Boolean.TRUE, last(i, Operation.UPDATE, Outcome.FAILED).terminal);
    sleep(600);
    assertEquals(1, broker.exactly("PATCH", instancePath(i)).size());
  }

  @Test
  void noUpdateWhileDeletingOrBeforeProvisioned() {
    ServiceInstance notYet = newInstance();
    notYet.getStatus().provisionStatus = ServiceInstanceStatus.NOT_PROVISIONED;
    notYet.getStatus().observedGeneration = 1L;
    notYet.getMetadata().setGeneration(2L);
    notYet.getStatus().setCondition("Failed", "True", "X", "y"); // keeps it from being provisioned too
    catalogApi.put(notYet);
    TestTopics.send(Fixtures.modified(notYet));
    sleep(800);
    assertTrue(broker.requests().stream().noneMatch(r -> r.path().startsWith(instancePath(notYet))));
  }
}
