package io.servicecatalog.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.fuzz.BrokerResponses.Case;
import io.servicecatalog.gateway.fuzz.BrokerResponses.Endpoint;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.gateway.support.FakeBroker.Reply;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * End-to-end runs of broker garbage through the operation worker: a resource event records an
 * operation row, the worker sends the OSB request, the fake broker answers with a generated
 * answer (the same generator as {@link BrokerResponseFuzzTest}) and afterwards as a sane broker
 * would. Checked: every run publishes results with a reason and a bounded message and no
 * credential value; every row ends (no row stuck active or leased); no step fails with an
 * exception (the worker's "step failed" / "saving the step failed"); no credential value in any
 * log record; the rows of an instance provisioned before are left exactly as they were.
 *
 * <p>{@code -Dfuzz.e2e=N} runs (default 20), {@code -Dfuzz.seed=S}.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class BrokerResponseFuzzE2ETest extends GatewayTestBase {
  private static final Endpoint[] SCENARIOS = {Endpoint.PROVISION, Endpoint.POLL_INSTANCE, Endpoint.BIND, Endpoint.DEPROVISION,
      Endpoint.CATALOG, Endpoint.UNBIND, Endpoint.POLL_BINDING};

  @Inject
  OperationStore store;

  /** One run: the resource whose rows and results are checked, and the answer it got. */
  private record Run(int index, String uid, Case garbage) {}

  @Test
  void garbageFromTheBrokerEndsEveryOperationCleanly() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    int runs = Integer.getInteger("fuzz.e2e", 20);
    System.out.printf("BrokerResponseFuzzE2ETest: %d runs through the operation worker, seed %d (replay: -Dfuzz.seed=%d)%n",
        runs, seed, seed);
    LogCapture logs = LogCapture.install(BrokerResponses.CANARY,
        r -> r.getLoggerName() != null && r.getLoggerName().endsWith("OperationWorker")
            && r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
            && !LogCapture.text(r).contains("Claiming operations failed"));
    try {
      // A provisioned instance whose rows must come through untouched.
      ServiceInstance control = newInstance();
      TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, control));
      eventually().until(() -> has(control, Operation.PROVISION, Outcome.SUCCEEDED));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> rows(uid(control)).stream().noneMatch(r -> r.state.active()));
      List<String> controlBefore = rows(uid(control)).stream().map(BrokerResponseFuzzE2ETest::fingerprint).toList();

      List<Run> all = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        all.add(start(i, new BrokerResponses(seed * 7919L + i, 10L << 20).next(SCENARIOS[i % SCENARIOS.length])));
      }
      Map<String, Integer> outcomes = new TreeMap<>();
      for (Run run : all) {
        Awaitility.await("run " + run.index() + " (" + run.garbage().endpoint() + " " + run.garbage().kind() + ", HTTP "
                + run.garbage().reply().status() + ") ends")
            .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
            .until(() -> !rows(run.uid()).isEmpty() && rows(run.uid()).stream().noneMatch(r -> r.state.active() || r.leaseOwner != null));
        // A row that ended SUCCEEDED or FAILED published its final result before it was saved.
        for (OperationRecord row : rows(run.uid())) {
          if (row.state == io.servicecatalog.gateway.store.OperationState.SUCCEEDED
              || row.state == io.servicecatalog.gateway.store.OperationState.FAILED) {
            Outcome expected = row.state == io.servicecatalog.gateway.store.OperationState.SUCCEEDED ? Outcome.SUCCEEDED : Outcome.FAILED;
            eventually().until(() -> TestTopics.results(run.uid()).stream()
                .anyMatch(r -> r.operation == row.operation && r.outcome == expected));
          }
        }
        List<OperationResult> results = TestTopics.results(run.uid());
        assertFalse(results.isEmpty(), "run " + run.index() + ": no result published");
        for (OperationResult r : results) {
          assertTrue(r.reason != null && r.message != null && !r.message.isBlank(), "run " + run.index() + ": result without reason or message");
          assertTrue(r.message.length() <= 4096, "run " + run.index() + ": message of " + r.message.length() + " characters");
          outcomes.merge(run.garbage().endpoint() + " " + r.operation + " " + r.outcome + " " + r.reason, 1, Integer::sum);
        }
        for (var rec : TestTopics.resultRecords(run.uid())) {
          assertFalse(rec.value().contains(BrokerResponses.CANARY), "run " + run.index() + ": a result holds a credential value");
        }
        for (OperationRecord row : rows(run.uid())) {
          assertTrue(row.message == null || row.message.length() <= 4096, "run " + run.index() + ": row message too long");
        }
        if (run.garbage().endpoint() == Endpoint.CATALOG) {
          for (OperationResult r : results) {
            if (r.outcome == Outcome.SUCCEEDED) {
              r.catalog.path("services").forEach(s -> assertTrue(s.isObject(), "only offerings that are objects are forwarded"));
            }
          }
        }
      }
      System.out.printf("BrokerResponseFuzzE2ETest: %d runs ended, 0 stuck rows, %d worker errors; results by scenario:%n",
          runs, logs.matching().size());
      outcomes.forEach((k, v) -> System.out.printf("  %-90s %d%n", k, v));
      assertEquals(List.of(), logs.matching(), "steps must not fail with an exception");
      assertEquals(List.of(), logs.leaks(), "no credential value in any log record");
      assertEquals(controlBefore, rows(uid(control)).stream().map(BrokerResponseFuzzE2ETest::fingerprint).toList(),
          "the rows of another instance are untouched");
    } finally {
      logs.uninstall();
    }
  }

  private Run start(int index, Case c) {
    // Retry-After is honoured as given (it may say "a year"): left to BrokerResponseFuzzTest, so every run here ends.
    Map<String, String> headers = new LinkedHashMap<>(c.reply().headers());
    headers.remove("Retry-After");
    Reply reply = new Reply(c.reply().status(), c.reply().body(), 0, headers, c.reply().raw());
    switch (c.endpoint()) {
      case PROVISION -> {
        ServiceInstance i = newInstance();
        broker.program(i.getSpec().externalID, "PUT", "", reply);
        TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
        return new Run(index, uid(i), c);
      }
      case POLL_INSTANCE -> {
        ServiceInstance i = newInstance();
        broker.program(i.getSpec().externalID, "PUT", "", Reply.of(202, "{\"operation\":\"op-" + index + "\"}"));
        broker.program(i.getSpec().externalID, "GET", "last_operation", reply);
        TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
        return new Run(index, uid(i), c);
      }
      case DEPROVISION -> {
        ServiceInstance i = Fixtures.markDeleting(Fixtures.markProvisioned(newInstance()));
        catalogApi.put(i);
        broker.program(i.getSpec().externalID, "DELETE", "", reply);
        TestTopics.send(Fixtures.modified(i));
        return new Run(index, uid(i), c);
      }
      case CATALOG -> {
        String name = "broker-" + Fixtures.suffix();
        ClusterServiceBroker b = Fixtures.broker(name, broker.url() + "/b-" + name);
        catalogApi.put(b);
        broker.program("catalog/b-" + name, "GET", "", reply);
        TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
        return new Run(index, uid(b), c);
      }
      default -> {
        ServiceInstance i = readyInstance();
        ServiceBinding b = Fixtures.binding("app-" + Fixtures.suffix(), i.getMetadata().getName());
        catalogApi.put(b);
        String id = b.getSpec().externalID;
        if (c.endpoint() == Endpoint.BIND) {
          broker.program(id, "PUT", "", reply);
        } else if (c.endpoint() == Endpoint.POLL_BINDING) {
          broker.program(id, "PUT", "", Reply.of(202, "{\"operation\":\"bind-" + index + "\"}"));
          broker.program(id, "GET", "last_operation", reply);
        } else {
          // UNBIND: bound first (sync), then deleted; the DELETE gets the garbage.
          broker.program(id, "DELETE", "", reply);
        }
        TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
        if (c.endpoint() == Endpoint.UNBIND) {
          eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
          // credential-injector removed the Secret: the binding waits for its unbind.
          b.getMetadata().setDeletionTimestamp(io.servicecatalog.model.Times.now());
          b.getMetadata().setGeneration(b.getMetadata().getGeneration() + 1);
          b.getStatus().unbindStatus = io.servicecatalog.model.v1beta1.ServiceBindingStatus.UNBIND_REQUIRED;
          b.getStatus().binding = null;
          catalogApi.put(b);
          TestTopics.send(Fixtures.modified(b));
        }
        return new Run(index, uid(b), c);
      }
    }
  }

  private List<OperationRecord> rows(String uid) {
    return store.findByResource(uid).await().atMost(Duration.ofSeconds(30));
  }

  private static String fingerprint(OperationRecord r) {
    return r.id + " " + r.operation + " " + r.state + " " + r.reason + " " + r.message + " " + r.requestIdentity + " " + r.instanceId
        + " " + r.dashboardUrl + " " + r.finishedAt + " " + r.attempts;
  }
}
