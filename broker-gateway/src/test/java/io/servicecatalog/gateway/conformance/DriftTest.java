package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.v1beta1.LocalObjectReference;
import io.servicecatalog.model.v1beta1.PropertiesState;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fetching an instance (spec: Fetching a Service Instance) of an instances_retrievable class and
 * comparing it with the catalog: drift is reported by name, never by value; classes that are not
 * retrievable are never fetched. Bindings of bindings_retrievable classes likewise: GET of the
 * current OSB binding, reported on the ServiceBinding (a missing binding, differing parameters),
 * never with a credential.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class DriftTest extends GatewayTestBase {

  /** Provisioned by the gateway, then reported provisioned by catalog-api (which triggers the check). */
  private ServiceInstance provisioned() {
    ServiceInstance i = newInstance();
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    Fixtures.markProvisioned(i);
    i.getStatus().externalProperties = new PropertiesState();
    i.getStatus().externalProperties.clusterServicePlanExternalID = plan.getSpec().externalID;
    i.getStatus().observedGeneration = 1L;
    i.getStatus().dashboardURL = "http://dash/" + i.getSpec().externalID;
    catalogApi.put(i);
    return i;
  }

  @Test
  void driftInPlanParametersAndDashboardIsReportedByName() {
    serviceClass.getSpec().instancesRetrievable = true;
    catalogApi.put(serviceClass);
    ServiceInstance i = provisioned();
    broker.program(i.getSpec().externalID, "GET", "", Reply.of(200, "{\"plan_id\":\"someone-elses-plan\","
        + "\"dashboard_url\":\"http://elsewhere\",\"parameters\":{\"charset\":\"secret-latin1\",\"added_by_broker\":1}}"));
    TestTopics.send(Fixtures.modified(i));

    eventually().until(() -> has(i, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED));
    OperationResult r = last(i, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED);
    assertEquals(Reasons.DRIFT_DETECTED, r.reason);
    assertEquals(List.of("plan", "dashboardURL", "parameters"), r.drift);
    assertTrue(r.message.contains("someone-elses-plan") && r.message.contains("charset"), r.message);
    assertFalse(r.message.contains("secret-latin1"), "parameter values are never reported");
    Recorded get = broker.exactly("GET", instancePath(i)).get(0);
    assertEquals(plan.getSpec().externalID, get.query().get("plan_id"));
    assertEquals(serviceClass.getSpec().externalID, get.query().get("service_id"));
  }

  @Test
  void aMatchingInstanceIsInSyncAndAMissingOneIsDrift() {
    serviceClass.getSpec().instancesRetrievable = true;
    catalogApi.put(serviceClass);
    ServiceInstance same = provisioned();
    broker.program(same.getSpec().externalID, "GET", "", Reply.of(200, "{\"plan_id\":\"" + plan.getSpec().externalID
        + "\",\"dashboard_url\":\"http://dash/" + same.getSpec().externalID + "\",\"parameters\":{\"charset\":\"utf8mb4\"}}"));
    ServiceInstance missing = provisioned();
    broker.program(missing.getSpec().externalID, "GET", "", Reply.of(404));
    TestTopics.send(Fixtures.modified(same));
    TestTopics.send(Fixtures.modified(missing));

    eventually().until(() -> has(same, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED) && has(missing, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED));
    OperationResult ok = last(same, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED);
    assertEquals(Reasons.IN_SYNC_WITH_BROKER, ok.reason);
    assertTrue(ok.drift.isEmpty());
    assertEquals(List.of("instance"), last(missing, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED).drift);
  }

  @Test
  void instancesOfClassesThatAreNotRetrievableAreNeverFetched() {
    ServiceInstance i = provisioned();
    TestTopics.send(Fixtures.modified(i));
    sleep(1000);
    assertTrue(broker.exactly("GET", instancePath(i)).isEmpty());
    assertTrue(TestTopics.results(uid(i)).stream().noneMatch(r -> r.operation == Operation.FETCH_INSTANCE));
  }

  /** Bound by the gateway, then Ready as catalog-api would mark it once the Secret exists. */
  private ServiceBinding bound(ServiceInstance i, String parametersJson) {
    ServiceBinding b = Fixtures.binding("app-" + Fixtures.suffix(), i.getMetadata().getName());
    if (parametersJson != null) {
      try {
        b.getSpec().parameters = io.servicecatalog.model.Json.MAPPER.readTree(parametersJson);
      } catch (Exception e) {
        throw new IllegalArgumentException(e);
      }
    }
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
    b.getStatus().binding = new LocalObjectReference(b.getSpec().secretName);
    b.getStatus().setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.TRUE, Reasons.INJECTED_BIND_RESULT, "ok");
    catalogApi.put(b);
    return b;
  }

  @Test
  void bindingsOfBindingsRetrievableClassesAreFetchedAndDriftIsReportedOnTheBinding() {
    serviceClass.getSpec().bindingRetrievable = true;
    catalogApi.put(serviceClass);
    ServiceInstance i = readyInstance();
    ServiceBinding same = bound(i, "{\"role\":\"ro\"}");
    ServiceBinding missing = bound(i, null);
    ServiceBinding changed = bound(i, "{\"role\":\"ro\"}");
    String id = same.getSpec().externalID;
    broker.program(id, "GET", "", Reply.of(200, "{\"credentials\":{\"password\":\"s3cr3t-" + id + "\"},\"parameters\":{\"role\":\"ro\"}}"));
    broker.program(missing.getSpec().externalID, "GET", "", Reply.of(404));
    broker.program(changed.getSpec().externalID, "GET", "", Reply.of(200,
        "{\"credentials\":{\"password\":\"s3cr3t\"},\"parameters\":{\"role\":\"admin-secret-value\"}}"));
    TestTopics.send(Fixtures.modified(same));
    TestTopics.send(Fixtures.modified(missing));
    TestTopics.send(Fixtures.modified(changed));

    eventually().until(() -> has(same, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED) && has(missing, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED)
        && has(changed, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED));
    OperationResult ok = last(same, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED);
    assertEquals("ServiceBinding", ok.kind);
    assertEquals(Reasons.IN_SYNC_WITH_BROKER, ok.reason);
    assertTrue(ok.drift.isEmpty());
    assertFalse(ok.message.contains("s3cr3t"), "credentials are never reported");
    OperationResult gone = last(missing, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED);
    assertEquals(Reasons.DRIFT_DETECTED, gone.reason);
    assertEquals(List.of("binding"), gone.drift);
    assertEquals("ServiceBinding", gone.kind);
    OperationResult differs = last(changed, Operation.FETCH_INSTANCE, Outcome.SUCCEEDED);
    assertEquals(List.of("parameters"), differs.drift);
    assertTrue(differs.message.contains("role"), differs.message);
    assertFalse(differs.message.contains("admin-secret-value") || differs.message.contains("s3cr3t"), differs.message);

    Recorded get = broker.exactly("GET", bindingPath(i, same)).get(0);
    assertEquals(plan.getSpec().externalID, get.query().get("plan_id"));
    assertEquals(serviceClass.getSpec().externalID, get.query().get("service_id"));
    assertEquals(null, get.header("X-Broker-API-Originating-Identity"), "a drift check is not caused by a user");
    // Nothing about the instance is published for a binding's check.
    assertTrue(TestTopics.results(uid(i)).stream().noneMatch(r -> r.operation == Operation.FETCH_INSTANCE));
  }

  @Test
  void bindingsOfClassesThatAreNotBindingsRetrievableAreNeverFetched() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = bound(i, null);
    TestTopics.send(Fixtures.modified(b));
    sleep(1000);
    assertTrue(broker.exactly("GET", bindingPath(i, b)).isEmpty());
    assertTrue(TestTopics.results(uid(b)).stream().noneMatch(r -> r.operation == Operation.FETCH_INSTANCE));
  }
}
