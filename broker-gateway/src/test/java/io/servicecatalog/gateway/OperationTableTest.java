package io.servicecatalog.gateway;

import static io.servicecatalog.gateway.support.Fixtures.suffix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.gateway.support.FakeBroker.Behaviour;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The durable table: resuming after a crash, and leases that keep replicas apart. */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class OperationTableTest extends GatewayTestBase {

  @Inject
  Pool pool;

  @Inject
  OperationStore store;

  /** A row as a gateway that was killed while polling would have left it. */
  private long insertPolling(ServiceInstance i, String leaseOwner, String leaseUntilSql) {
    String sql = "INSERT INTO broker_gateway.operations (resource_kind, resource_namespace, resource_name, resource_uid,"
        + " operation, op_key, generation, state, broker_name, broker_url, auth_type, auth_secret_namespace, auth_secret_name,"
        + " instance_id, service_id, plan_id, operation_token, poll_interval_ms, poll_deadline, attempts, next_attempt_at,"
        + " started_at, retry_deadline, lease_owner, lease_until)"
        + " VALUES ('ServiceInstance', $1, $2, $3, 'PROVISION', 'once', 1, 'POLLING', $4, $5, 'basic', $6, $7, $8, $9, $10, $11,"
        + " 200, now() + interval '1 hour', 1, now(), now(), now() + interval '1 day', $12, " + leaseUntilSql + ") RETURNING id";
    return pool.preparedQuery(sql)
        .execute(Tuple.tuple(List.of(i.getMetadata().getNamespace(), i.getMetadata().getName(), i.getMetadata().getUid(),
            brokerResource.getMetadata().getName(), broker.url(), Fixtures.AUTH_NAMESPACE, Fixtures.AUTH_SECRET,
            i.getSpec().externalID, serviceClass.getSpec().externalID, plan.getSpec().externalID, "op-" + i.getSpec().externalID,
            leaseOwner)))
        .await().atMost(Duration.ofSeconds(10))
        .iterator().next().getLong("id");
  }

  @Test
  void pollingResumesFromTheTableAfterACrashAndLiveLeasesAreRespected() throws Exception {
    ServiceInstance crashed = Fixtures.instance("resumed-" + suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
    ServiceInstance elsewhere = Fixtures.instance("elsewhere-" + suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
    catalogApi.put(crashed);
    catalogApi.put(elsewhere);
    broker.behave(crashed.getSpec().externalID, Behaviour.async(1, null));
    broker.behave(elsewhere.getSpec().externalID, Behaviour.async(1, null));
    // The crashed process's lease has run out; another live replica holds the second row.
    insertPolling(crashed, "killed-replica", "now() - interval '1 second'");
    long busy = insertPolling(elsewhere, "live-replica", "now() + interval '1 hour'");

    eventually().until(() -> TestTopics.results(crashed.getMetadata().getUid()).stream()
        .anyMatch(r -> r.operation == Operation.PROVISION && r.outcome == Outcome.SUCCEEDED));
    String path = "/v2/service_instances/" + crashed.getSpec().externalID;
    assertTrue(broker.exactly("PUT", path).isEmpty(), "a polling operation is never sent again");
    assertEquals(2, broker.exactly("GET", path + "/last_operation").size());

    Thread.sleep(500);
    OperationRecord other = store.find(elsewhere.getMetadata().getUid(), Operation.PROVISION, OperationRecord.ONCE)
        .await().atMost(Duration.ofSeconds(5));
    assertEquals(OperationState.POLLING, other.state);
    assertEquals("live-replica", other.leaseOwner);
    assertTrue(broker.requests("GET", "/v2/service_instances/" + elsewhere.getSpec().externalID).isEmpty());
    pool.preparedQuery("DELETE FROM broker_gateway.operations WHERE id = $1").execute(Tuple.of(busy)).await().indefinitely();
  }

  @Test
  void concurrentClaimsNeverShareARow() {
    String prefix = "claim-" + suffix() + "-";
    int n = 40;
    for (int k = 0; k < n; k++) {
      // Due in an hour: the running worker (which claims what is due now) leaves them alone.
      pool.preparedQuery("INSERT INTO broker_gateway.operations (resource_kind, resource_name, resource_uid, operation, op_key,"
              + " generation, state, next_attempt_at, started_at, retry_deadline) VALUES ('ServiceInstance', 'x', $1, 'PROVISION',"
              + " 'once', 1, 'PENDING', now() + interval '1 hour', now(), now() + interval '1 day')")
          .execute(Tuple.of(prefix + k)).await().indefinitely();
    }
    Instant asOf = Instant.now().plus(Duration.ofHours(2));
    Duration lease = Duration.ofSeconds(30);
    var both = Uni.combine().all()
        .unis(store.claim("replica-A", 1000, asOf, lease), store.claim("replica-B", 1000, asOf, lease))
        .asTuple().await().atMost(Duration.ofSeconds(20));
    Set<Long> a = mine(both.getItem1(), prefix);
    Set<Long> b = mine(both.getItem2(), prefix);
    Set<Long> overlap = new HashSet<>(a);
    overlap.retainAll(b);
    assertTrue(overlap.isEmpty(), "rows claimed twice: " + overlap);
    assertEquals(n, a.size() + b.size(), "every due row is claimed by exactly one");
    // While the leases hold, nobody else gets them.
    List<OperationRecord> third = store.claim("replica-C", 1000, asOf, lease).await().atMost(Duration.ofSeconds(10));
    assertTrue(mine(third, prefix).isEmpty());
    // Lease-guarded writes: only the owner can save a row.
    OperationRecord someRow = both.getItem1().stream().filter(r -> r.resourceUid.startsWith(prefix)).findFirst()
        .orElseGet(() -> both.getItem2().stream().filter(r -> r.resourceUid.startsWith(prefix)).findFirst().orElseThrow());
    String realOwner = a.contains(someRow.id) ? "replica-A" : "replica-B";
    someRow.state = OperationState.CANCELLED;
    assertEquals(false, store.save(someRow, "replica-C").await().indefinitely());
    assertEquals(true, store.save(someRow, realOwner).await().indefinitely());

    // Give back rows of other tests that the wide claim may have caught, and clean up.
    List<Long> foreign = java.util.stream.Stream.of(both.getItem1(), both.getItem2(), third).flatMap(List::stream)
        .filter(r -> !r.resourceUid.startsWith(prefix)).map(r -> r.id).toList();
    if (!foreign.isEmpty()) {
      pool.preparedQuery("UPDATE broker_gateway.operations SET lease_owner = NULL, lease_until = NULL WHERE id = ANY($1)")
          .execute(Tuple.of(foreign.toArray(new Long[0]))).await().indefinitely();
    }
    pool.preparedQuery("DELETE FROM broker_gateway.operations WHERE resource_uid LIKE $1").execute(Tuple.of(prefix + "%"))
        .await().indefinitely();
  }

  private static Set<Long> mine(List<OperationRecord> rows, String prefix) {
    return rows.stream().filter(r -> r.resourceUid.startsWith(prefix)).map(r -> r.id).collect(Collectors.toSet());
  }
}
