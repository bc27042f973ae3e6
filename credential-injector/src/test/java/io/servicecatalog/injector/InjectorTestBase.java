package io.servicecatalog.injector;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Kafka connection, Secret reading and result waiting shared by the service tests. */
abstract class InjectorTestBase {
  static final String NS = "apps";
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient kube;

  TestKafka kafka;

  @BeforeEach
  void connect() {
    kafka = new TestKafka();
  }

  @AfterEach
  void disconnect() {
    kafka.close();
  }

  Secret secret(String name) {
    return kube.secrets().inNamespace(NS).withName(name).get();
  }

  Secret awaitSecret(String name, Predicate<Secret> condition) {
    return await().atMost(WAIT).until(() -> secret(name), s -> s != null && condition.test(s));
  }

  /** The first result about {@code uid} with this operation, outcome and reason (null: any). */
  TestKafka.Result awaitResult(String uid, Operation op, Outcome outcome, String reason) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                kafka.resultsFor(uid, r -> r.operation == op && r.outcome == outcome
                        && (reason == null || reason.equals(r.reason))).stream()
                    .findFirst()
                    .orElse(null),
            r -> r != null);
  }

  /** Waits until {@code count} results about {@code uid} match, and returns them. */
  List<TestKafka.Result> awaitResults(String uid, int count, Predicate<OperationResult> filter) {
    return await()
        .atMost(WAIT)
        .until(() -> kafka.resultsFor(uid, filter), l -> l.size() >= count);
  }

  static Map<String, String> decode(Secret secret) {
    Map<String, String> out = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) ->
          out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return out;
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
