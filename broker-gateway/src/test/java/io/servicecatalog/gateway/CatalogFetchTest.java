package io.servicecatalog.gateway;

import static io.servicecatalog.gateway.support.Fixtures.suffix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakeBroker;
import io.servicecatalog.gateway.support.FakeBroker.Recorded;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.gateway.reconcile.Resync;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import jakarta.inject.Inject;
import java.time.Duration;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class CatalogFetchTest extends GatewayTestBase {

  @Inject
  Resync resync;

  private ClusterServiceBroker newBroker() {
    String name = "broker-" + suffix();
    ClusterServiceBroker b = Fixtures.broker(name, broker.url() + "/b-" + name);
    catalogApi.put(b);
    return b;
  }

  private List<Recorded> catalogCalls(ClusterServiceBroker b) {
    return broker.exactly("GET", "/b-" + b.getMetadata().getName() + "/v2/catalog");
  }

  @Test
  void aNewBrokerGetsItsCatalogFetched() {
    ClusterServiceBroker b = newBroker();
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    String uid = b.getMetadata().getUid();
    eventually().until(() -> TestTopics.results(uid).stream().anyMatch(r -> r.outcome == Outcome.SUCCEEDED));
    OperationResult r = TestTopics.results(uid).get(0);
    assertEquals(Operation.FETCH_CATALOG, r.operation);
    assertEquals(Reasons.FETCHED_CATALOG, r.reason);
    assertEquals(1L, r.generation);
    assertEquals("ClusterServiceBroker", r.kind);
    assertNull(r.namespace);
    assertEquals("svc-1", r.catalog.at("/services/0/id").asText());
    assertEquals("plan-1", r.catalog.at("/services/0/plans/0/id").asText());

    Recorded call = catalogCalls(b).get(0);
    assertEquals("2.17", call.header("X-Broker-API-Version"));
    assertEquals(r.requestIdentity, call.header("X-Broker-API-Request-Identity"));
    UUID.fromString(call.header("X-Broker-API-Request-Identity"));
    assertEquals("Basic " + Base64.getEncoder().encodeToString((FakeBroker.USER + ":" + FakeBroker.PASSWORD).getBytes()),
        call.header("Authorization"));
    assertNull(call.header("X-Broker-API-Originating-Identity"), "refetching the catalog is not a user's action");
  }

  @Test
  void aFailedFetchIsRetriedOnTheGatewaysOwnScheduleNotOnStatusEvents() throws Exception {
    ClusterServiceBroker b = newBroker();
    String uid = b.getMetadata().getUid();
    broker.catalogStatus = 500;
    try {
      TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
      eventually().until(() -> TestTopics.results(uid).stream().anyMatch(r -> r.outcome == Outcome.FAILED));
      OperationResult failed = TestTopics.results(uid).get(0);
      assertEquals(Reasons.ERROR_FETCHING_CATALOG, failed.reason);
      assertEquals(500, failed.httpStatus);
      assertTrue(failed.message.contains("HTTP 500") && failed.message.contains("catalog unavailable"), failed.message);

      // The status change caused by the failure comes back as events: no refetch storm.
      int before = catalogCalls(b).size();
      for (int k = 0; k < 20; k++) {
        TestTopics.send(Fixtures.modified(b));
      }
      Thread.sleep(1500);
      int during = catalogCalls(b).size() - before;
      assertTrue(during <= 4, during + " fetches in 1.5 s: retries must follow the backoff, not the events");
    } finally {
      broker.catalogStatus = 200;
    }
    // No new event: the gateway's own retry gets it.
    eventually().until(() -> TestTopics.results(uid).stream().anyMatch(r -> r.outcome == Outcome.SUCCEEDED));
  }

  @Test
  void aCatalogTooLargeForAResultFailsWithAClearMessageInsteadOfFailingTheStep() {
    // A 1.2 MB catalog (well within the response limit) made every result publication fail
    // (Kafka's 1 MiB record limit): the step failed as an internal error again and again and
    // no result ever went out.
    ClusterServiceBroker b = newBroker();
    String uid = b.getMetadata().getUid();
    StringBuilder big = new StringBuilder("{\"services\":[");
    for (int k = 0; k < 2500; k++) {
      big.append(k == 0 ? "" : ",").append("{\"id\":\"svc-").append(k).append("\",\"name\":\"s").append(k)
          .append("\",\"description\":\"").append("d".repeat(400)).append("\",\"bindable\":true,")
          .append("\"plans\":[{\"id\":\"p-").append(k).append("\",\"name\":\"small\",\"description\":\"x\"}]}");
    }
    broker.catalogs.put("/b-" + b.getMetadata().getName(), big.append("]}").toString());
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    eventually().until(() -> TestTopics.results(uid).stream().anyMatch(r -> r.outcome == Outcome.FAILED));
    OperationResult failed = TestTopics.results(uid).get(0);
    assertEquals(Reasons.ERROR_FETCHING_CATALOG, failed.reason);
    assertTrue(failed.message.contains("servicecatalog.osb.max-catalog-size"), failed.message);

    // A catalog of sane size is fetched on the next try, and its result goes out.
    broker.catalogs.remove("/b-" + b.getMetadata().getName());
    eventually().until(() -> TestTopics.results(uid).stream().anyMatch(r -> r.outcome == Outcome.SUCCEEDED));
  }

  /** A resync reads instances and bindings in pages (3 in tests) and decides every one of them. */
  @Test
  void resyncReadsInPagesAndMissesNothing() {
    List<ServiceInstance> lost = new ArrayList<>();
    for (int n = 0; n < 7; n++) {
      ServiceInstance i = Fixtures.instance("paged-" + n + "-" + suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
      catalogApi.put(i);
      lost.add(i);
    }
    ServiceInstance ready = readyInstance();
    List<ServiceBinding> unbound = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      ServiceBinding b = Fixtures.binding("paged-app-" + n + "-" + suffix(), ready.getMetadata().getName());
      catalogApi.put(b);
      unbound.add(b);
    }
    catalogApi.listRequests.clear();
    int seen = resync.runOnce().await().atMost(Duration.ofSeconds(60));
    assertTrue(seen >= 7 + 1 + 4, "looked at " + seen);
    for (ServiceInstance i : lost) {
      eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    }
    for (ServiceBinding b : unbound) {
      eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    }
    List<String> instancePages = catalogApi.listRequests.stream().filter(r -> r.startsWith("serviceinstances")).toList();
    assertTrue(instancePages.size() >= 3 && instancePages.stream().allMatch(r -> r.contains("limit=3")), instancePages.toString());
    assertTrue(instancePages.stream().skip(1).allMatch(r -> r.contains("continue=")), instancePages.toString());
    assertTrue(catalogApi.listRequests.stream().filter(r -> r.startsWith("servicebindings")).count() >= 2, catalogApi.listRequests.toString());
    lost.forEach(catalogApi::remove);
    unbound.forEach(catalogApi::remove);
  }

  @Test
  void resyncFindsWorkWhoseEventWasLost() {
    ServiceInstance i = Fixtures.instance("lost-" + suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
    catalogApi.put(i);
    resync.runOnce().await().atMost(Duration.ofSeconds(30));
    eventually().until(() -> TestTopics.results(i.getMetadata().getUid()).stream()
        .anyMatch(r -> r.operation == Operation.PROVISION && r.outcome == Outcome.SUCCEEDED));
    catalogApi.remove(i);
  }
}
