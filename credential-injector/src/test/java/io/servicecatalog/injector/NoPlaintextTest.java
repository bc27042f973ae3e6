package io.servicecatalog.injector;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.testsupport.CatalogApiStub;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.injector.testsupport.LogCapture;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.injector.watch.ManagedSecretWatch;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.testsupport.KafkaTestResource;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The credentials go into the Secret and nowhere else: through injection, rotation, an edit
 * and a deletion repaired, no log line, no result, no annotation and nothing the injector keeps
 * in memory holds the password in clear.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class NoPlaintextTest extends InjectorTestBase {

  @Inject EnvelopeStore store;
  @Inject ManagedSecretWatch watch;

  @Test
  void thePasswordIsOnlyInTheSecret() throws Exception {
    String uid = TestKafka.newUid();
    String name = "plaintext-" + uid.substring(0, 8);
    String first = "Pw1-" + uid.substring(0, 13) + "-zq";
    String second = "Pw2-" + uid.substring(0, 13) + "-zq";
    String vandal = "Vandal-" + uid.substring(0, 13);
    CatalogApiStub.exists(NS, name, uid, null, Map.of(), true);

    try (LogCapture logs = LogCapture.start()) {
      kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, credentials(first), null));
      awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "InjectedBindResult");
      kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, credentials(second), null));
      awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "CredentialsRotated");

      Secret s = secret(name);
      Map<String, String> edited = new LinkedHashMap<>(s.getData());
      edited.put("password", b64(vandal));
      kube.secrets().inNamespace(NS).resource(new SecretBuilder(s).withData(edited).build()).update();
      awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "SecretRepaired");
      kube.secrets().inNamespace(NS).withName(name).delete();
      awaitResults(uid, 2, r -> "SecretRepaired".equals(r.reason));

      Secret restored = awaitSecret(name, x -> true);
      assertEquals(second, decode(restored).get("password"), "the Secret has it");

      String logText = logs.text();
      assertThat(logText, containsString(name)); // the capture works
      for (String secret : new String[] {first, second, vandal}) {
        assertThat("logs", logText, not(containsString(secret)));
        for (TestKafka.Result r : kafka.allResults()) {
          assertThat("result " + r.raw(), r.raw(), not(containsString(secret)));
        }
        assertThat("annotations", String.valueOf(restored.getMetadata().getAnnotations()),
            not(containsString(secret)));
        assertThat("the envelope held in memory",
            Json.MAPPER.writeValueAsString(store.latest(uid).envelope()),
            not(containsString(secret)));
      }
    }
    Secret cached = await().atMost(WAIT).until(
        () -> watch.cached().stream().filter(x -> name.equals(x.getMetadata().getName()))
            .findFirst().orElse(null), x -> x != null);
    assertTrue(cached.getData() == null || cached.getData().isEmpty(), "the watch cache holds no data");
    assertNotNull(cached.getMetadata().getAnnotations());
  }

  private static Map<String, Object> credentials(String password) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("username", "app");
    c.put("password", password);
    c.put("uri", "mysql://app:" + password + "@db:3306/app");
    return c;
  }
}
