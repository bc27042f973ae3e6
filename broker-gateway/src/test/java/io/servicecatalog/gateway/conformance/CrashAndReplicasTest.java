package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.servicecatalog.gateway.events.ResultPublisher;
import io.servicecatalog.gateway.reconcile.OperationHandler;
import io.servicecatalog.gateway.reconcile.OperationWorker;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.gateway.support.FakeBroker.Behaviour;
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
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What survives a kill -9 (rows left by a process that died in orphan mitigation, or with a
 * create request on the wire), and what two replicas sharing the table do: split the work,
 * never send one instance's operations at the same time, and keep one slow broker from starving
 * the others.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class CrashAndReplicasTest extends GatewayTestBase {

  @Inject
  Pool pool;

  @Inject
  OperationStore store;

  @Inject
  GatewayConfig config;

  @Inject
  Vertx vertx;

  @Inject
  ResultPublisher results;

  @Inject
  MeterRegistry registry;

  @Inject
  @Any
  Instance<OperationHandler> handlers;

  /** A provision row as a killed process left it, in {@code state}, its lease expired. */
  private void leftBehind(ServiceInstance i, String state, String omThen, String token) {
    String sql = "INSERT INTO broker_gateway.operations (resource_kind, resource_namespace, resource_name, resource_uid,"
        + " operation, op_key, generation, state, broker_name, broker_url, auth_type, auth_secret_namespace, auth_secret_name,"
        + " instance_id, service_id, plan_id, operation_token, om_then, poll_interval_ms, poll_deadline, attempts, next_attempt_at,"
        + " started_at, retry_deadline, lease_owner, lease_until, serial_key, request_identity, broker_kind)"
        + " VALUES ('ServiceInstance', $1, $2, $3, 'PROVISION', 'once', 1, $4, $5, $6, 'basic', $7, $8, $9, $10, $11, $12, $13,"
        + " 200, now() + interval '1 hour', 1, now(), now(), now() + interval '1 day', 'killed-replica', now() - interval '1 second',"
        + " $14, 'rid-before-the-crash', 'ClusterServiceBroker')";
    pool.preparedQuery(sql).execute(Tuple.tuple(java.util.Arrays.asList(i.getMetadata().getNamespace(), i.getMetadata().getName(),
        i.getMetadata().getUid(), state, brokerResource.getMetadata().getName(), broker.url(), Fixtures.AUTH_NAMESPACE,
        Fixtures.AUTH_SECRET, i.getSpec().externalID, serviceClass.getSpec().externalID, plan.getSpec().externalID, token, omThen,
        i.getMetadata().getNamespace() + "/" + i.getMetadata().getName()))).await().atMost(Duration.ofSeconds(10));
  }

  @Test
  void orphanMitigationResumesAfterTheProcessDoingItWasKilled() {
    ServiceInstance i = newInstance();
    leftBehind(i, "ORPHAN_MITIGATION", "RETRY", null);
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("DELETE", "PUT"), calls(instancePath(i)), "the DELETE first, then the provision again");
  }

  @Test
  void orphanMitigationPollingResumesWithTheStoredToken() {
    ServiceInstance i = newInstance();
    broker.program(i.getSpec().externalID, "GET", "last_operation", Reply.of(200, "{\"state\":\"succeeded\"}"));
    leftBehind(i, "OM_POLLING", "FAIL", "om-token");
    eventually().until(() -> TestTopics.results(uid(i)).stream().anyMatch(r -> Reasons.ORPHAN_MITIGATION_SUCCESSFUL.equals(r.reason)));
    Recorded poll = broker.exactly("GET", instancePath(i) + "/last_operation").get(0);
    assertEquals("om-token", poll.query().get("operation"));
    assertTrue(calls(instancePath(i)).isEmpty(), "no new DELETE, no PUT: the failure was final");
    assertEquals(Boolean.TRUE, last(i, Operation.PROVISION, Outcome.FAILED).terminal);
  }

  @Test
  void aCreateRequestOnTheWireWhenTheProcessDiedIsOrphanMitigatedThenSentAgain() {
    ServiceInstance i = newInstance();
    leftBehind(i, "SENT", null, null);
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals(List.of("DELETE", "PUT"), calls(instancePath(i)));
    OperationResult unknown = TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.FAILED).findFirst().orElseThrow();
    assertEquals(Boolean.TRUE, unknown.orphanMitigationInProgress);
    assertTrue(unknown.message.contains("rid-before-the-crash"), unknown.message);
  }

  @Test
  void twoReplicasSplitTheInstancesAndSendEachRequestOnce() {
    OperationWorker replicaB = new OperationWorker(store, config, vertx, results, handlers, registry, "replica-B");
    replicaB.startWorking();
    List<ServiceInstance> instances = new ArrayList<>();
    try {
      for (int k = 0; k < 16; k++) {
        ServiceInstance i = newInstance();
        broker.behave(i.getSpec().externalID, Behaviour.async(2, null));
        instances.add(i);
        TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
      }
      eventually().atMost(Duration.ofSeconds(60)).until(() -> instances.stream().allMatch(i -> has(i, Operation.PROVISION, Outcome.SUCCEEDED)));
    } finally {
      replicaB.stopWorking();
    }
    Set<String> workers = new HashSet<>();
    for (ServiceInstance i : instances) {
      assertEquals(1, broker.exactly("PUT", instancePath(i)).size(), "one PUT per instance");
      assertEquals(3, broker.exactly("GET", instancePath(i) + "/last_operation").size(), "no poll lost or doubled");
      assertEquals(1, TestTopics.results(uid(i)).stream().filter(r -> r.outcome == Outcome.SUCCEEDED).count());
      OperationRecord row = store.find(uid(i), Operation.PROVISION, OperationRecord.ONCE).await().atMost(Duration.ofSeconds(5));
      workers.add(row.lastWorker);
    }
    assertTrue(replicaB.steps() > 0, "the second replica did work");
    assertTrue(workers.contains("replica-B") || replicaB.steps() > 0);
  }

  @Test
  void anInstanceAndItsBindingsAreNeverSentToTheBrokerAtTheSameTime() {
    ServiceInstance i = readyInstance();
    // A slow async update of the instance is under way...
    broker.program(i.getSpec().externalID, "PATCH", "", Reply.of(202, "{\"operation\":\"u\"}"));
    broker.program(i.getSpec().externalID, "GET", "last_operation",
        Reply.of(200, "{\"state\":\"in progress\"}"), Reply.of(200, "{\"state\":\"in progress\"}"),
        Reply.of(200, "{\"state\":\"succeeded\"}"));
    i.getMetadata().setGeneration(2L);
    i.getSpec().parameters = io.servicecatalog.model.Json.MAPPER.createObjectNode().put("charset", "ascii");
    catalogApi.put(i);
    TestTopics.send(Fixtures.modified(i));
    eventually().until(() -> !broker.exactly("GET", instancePath(i) + "/last_operation").isEmpty());
    // ...when two bindings of it arrive.
    ServiceBinding b1 = Fixtures.binding("one-" + Fixtures.suffix(), i.getMetadata().getName());
    ServiceBinding b2 = Fixtures.binding("two-" + Fixtures.suffix(), i.getMetadata().getName());
    broker.program(b1.getSpec().externalID, "PUT", "", Reply.of(201, "{\"credentials\":{}}").delayed(500));
    catalogApi.put(b1);
    catalogApi.put(b2);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b1));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b2));

    eventually().until(() -> has(b1, Operation.BIND, Outcome.SUCCEEDED) && has(b2, Operation.BIND, Outcome.SUCCEEDED));
    List<Recorded> polls = broker.exactly("GET", instancePath(i) + "/last_operation");
    Recorded put1 = broker.exactly("PUT", bindingPath(i, b1)).get(0);
    Recorded put2 = broker.exactly("PUT", bindingPath(i, b2)).get(0);
    assertTrue(put1.at().isAfter(polls.get(polls.size() - 1).at()) && put2.at().isAfter(polls.get(polls.size() - 1).at()),
        "binds wait for the update of their instance");
    Recorded firstPut = put1.at().isBefore(put2.at()) ? put1 : put2;
    Recorded secondPut = firstPut == put1 ? put2 : put1;
    long gap = Duration.between(firstPut.at(), secondPut.at()).toMillis();
    assertTrue(firstPut != put1 || gap >= 450, "the second bind waits for the first (slow) one: " + gap + " ms");
    assertTrue(has(i, Operation.UPDATE, Outcome.SUCCEEDED));
  }

  @Test
  void oneSlowBrokerDoesNotStarveTheOthers() {
    OtherBroker slow = otherBroker();
    OtherBroker fast = otherBroker();
    List<ServiceInstance> slowOnes = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      ServiceInstance i = newInstance(slow);
      broker.program(i.getSpec().externalID, "PUT", "", Reply.of(201).delayed(1500));
      slowOnes.add(i);
      TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    }
    eventually().until(() -> broker.maxInFlight.getOrDefault(slow.prefix(), 0) >= 1);
    ServiceInstance quick = newInstance(fast);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, quick));

    eventually().until(() -> has(quick, Operation.PROVISION, Outcome.SUCCEEDED));
    long slowDone = slowOnes.stream().filter(i -> has(i, Operation.PROVISION, Outcome.SUCCEEDED)).count();
    assertTrue(slowDone < slowOnes.size(), "the fast broker's instance did not wait for the slow broker's queue");
    eventually().atMost(Duration.ofSeconds(60)).until(() -> slowOnes.stream().allMatch(i -> has(i, Operation.PROVISION, Outcome.SUCCEEDED)));
    assertTrue(broker.maxInFlight.get(slow.prefix()) <= 4,
        "at most servicecatalog.osb.max-concurrent-requests-per-broker (4 in tests) on the wire: " + broker.maxInFlight.get(slow.prefix()));
  }
}
