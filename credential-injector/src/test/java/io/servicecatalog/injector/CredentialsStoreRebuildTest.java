package io.servicecatalog.injector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.store.CompactedTopicReader;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.store.StoredEnvelope;
import io.servicecatalog.injector.testsupport.CatalogApiStub;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.testsupport.KafkaTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * After a restart the envelopes are read back from the compacted credentials topic, from the
 * beginning, by a consumer that joins no group; tombstones remove bindings.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class CredentialsStoreRebuildTest extends InjectorTestBase {

  @Inject EnvelopeStore running;

  @Test
  void aNewReaderRebuildsTheLatestEnvelopeOfEveryBinding() throws Exception {
    String a = TestKafka.newUid();
    String b = TestKafka.newUid();
    String c = TestKafka.newUid();
    CatalogApiStub.exists(NS, "rebuild-a-" + a.substring(0, 8), a, null);
    CredentialsEnvelope a1 = TestKafka.seal(NS, "rebuild-a-" + a.substring(0, 8), a, null,
        Map.of("password", "a1"), null);
    CredentialsEnvelope a2 = TestKafka.seal(NS, "rebuild-a-" + a.substring(0, 8), a, null,
        Map.of("password", "a2"), null);
    kafka.sendEnvelope(a1);
    kafka.sendEnvelope(a2);
    kafka.sendEnvelope(TestKafka.seal(NS, "rebuild-b", b, null, Map.of("password", "b"), null));
    kafka.send("servicecatalog.credentials", b, null);
    kafka.sendEnvelope(TestKafka.seal(NS, "rebuild-c", c, null, Map.of("password", "c"), null));
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);

    EnvelopeStore rebuilt = new EnvelopeStore();
    try (CompactedTopicReader reader = new CompactedTopicReader(
        Map.of("bootstrap.servers", bootstrap), "servicecatalog.credentials", rebuilt).start()) {
      assertTrue(reader.awaitCaughtUp(Duration.ofSeconds(30)));
      assertTrue(rebuilt.isRebuilt());
      assertEquals(new StoredEnvelope(a2, -1, -1).fingerprint(), rebuilt.latest(a).fingerprint());
      assertNull(rebuilt.latest(b), "tombstoned");
      assertNotNull(rebuilt.latest(c));
      // It keeps following the topic.
      String d = TestKafka.newUid();
      kafka.sendEnvelope(TestKafka.seal(NS, "rebuild-d", d, null, Map.of("password", "d"), null));
      await().atMost(WAIT).until(() -> rebuilt.latest(d) != null);
    }

    // The service's own store follows the topic the same way.
    await().atMost(WAIT).until(() -> running.latest(a) != null
        && running.latest(a).fingerprint().equals(new StoredEnvelope(a2, -1, -1).fingerprint()));

    // No consumer group was created for the reader.
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      assertTrue(admin.listConsumerGroups().all().get().stream()
          .noneMatch(g -> g.groupId().contains("envelope-store")));
    }
  }
}
