package io.servicecatalog.injector;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.testsupport.CatalogApiStub;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ServiceBinding events on servicecatalog.resources → Secret removal and DELETE_SECRET results. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class BindingDeletionTest {
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

  @Test
  void bindingBeingDeletedLosesItsSecret() {
    String uid = TestKafka.newUid();
    String name = "leaving-" + uid.substring(0, 8);
    String secretName = "leaving-creds-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, secretName);
    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, secretName, Map.of("password", "pw"), null));
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);
    assertNotNull(kube.secrets().inNamespace(NS).withName(secretName).get());

    kafka.sendResourceEvent(event(ResourceEvent.Type.MODIFIED, name, uid, secretName, true));

    OperationResult r = awaitResult(uid, Operation.DELETE_SECRET, Outcome.SUCCEEDED);
    assertEquals(secretName, r.secretName);
    assertEquals("credential-injector", r.source);
    assertEquals("ServiceBinding", r.kind);
    assertEquals(NS, r.namespace);
    assertEquals(name, r.name);
    assertEquals(Long.valueOf(2), r.generation);
    assertNull(kube.secrets().inNamespace(NS).withName(secretName).get());
    // Drift repair does not bring it back: the broker is about to revoke these credentials.
    try {
      Thread.sleep(1500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertNull(kube.secrets().inNamespace(NS).withName(secretName).get());
    assertEquals(0, kafka.resultsFor(uid, x -> x.operation == Operation.INJECT_SECRET
        && !"InjectedBindResult".equals(x.reason)).size());
  }

  @Test
  void secretNameDefaultsToTheBindingName() {
    String uid = TestKafka.newUid();
    String name = "default-name-" + uid.substring(0, 8);
    ownedSecret(name, uid);

    kafka.sendResourceEvent(event(ResourceEvent.Type.DELETED, name, uid, null, false));

    OperationResult r = awaitResult(uid, Operation.DELETE_SECRET, Outcome.SUCCEEDED);
    assertEquals(name, r.secretName);
    assertNull(kube.secrets().inNamespace(NS).withName(name).get());
  }

  @Test
  void nothingToDeleteStillSucceeds() {
    String uid = TestKafka.newUid();
    String name = "never-injected-" + uid.substring(0, 8);

    kafka.sendResourceEvent(event(ResourceEvent.Type.MODIFIED, name, uid, null, true));

    OperationResult r = awaitResult(uid, Operation.DELETE_SECRET, Outcome.SUCCEEDED);
    assertThat(r.message, containsString("does not exist"));
  }

  @Test
  void secretOfAnotherBindingIsLeftInPlace() {
    String uid = TestKafka.newUid();
    String name = "shared-name-" + uid.substring(0, 8);
    Secret other = ownedSecret(name, "another-binding-uid");

    kafka.sendResourceEvent(event(ResourceEvent.Type.MODIFIED, name, uid, null, true));

    OperationResult r = awaitResult(uid, Operation.DELETE_SECRET, Outcome.SUCCEEDED);
    assertThat(r.message, containsString("not owned by this binding"));
    Secret after = kube.secrets().inNamespace(NS).withName(name).get();
    assertNotNull(after);
    assertEquals(other.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
  }

  @Test
  void liveBindingsAndOtherKindsAreIgnored() {
    String uid = TestKafka.newUid();
    String name = "alive-" + uid.substring(0, 8);
    ownedSecret(name, uid);
    // All on one key, so one partition: when the marker's deletion is reported, the events
    // before it have been read and ignored.
    String key = TestKafka.newUid();
    kafka.sendResourceEvent(key, event(ResourceEvent.Type.MODIFIED, name, uid, null, false));
    kafka.sendResourceEvent(key,
        new ResourceEvent(1, UUID.randomUUID().toString(), ResourceEvent.Type.DELETED,
            "ServiceInstance", NS, name, uid, "9", 1L, Times.now(), Json.MAPPER.createObjectNode()));
    String marker = TestKafka.newUid();
    kafka.sendResourceEvent(key,
        event(ResourceEvent.Type.DELETED, "marker-" + marker.substring(0, 8), marker, null, false));
    awaitResult(marker, Operation.DELETE_SECRET, Outcome.SUCCEEDED);

    assertNotNull(kube.secrets().inNamespace(NS).withName(name).get());
    assertEquals(0, kafka.resultsFor(uid).size());
  }

  // --- helpers -----------------------------------------------------------------------------

  private Secret ownedSecret(String name, String uid) {
    return kube.secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .addToLabels("servicecatalog.k8s.io/binding-uid", uid)
                .endMetadata()
                .withType("Opaque")
                .addToData("password", "cHc=")
                .build())
        .create();
  }

  static ResourceEvent event(
      ResourceEvent.Type type, String name, String uid, String secretName, boolean deleting) {
    ObjectNode object = Json.MAPPER.createObjectNode();
    object.put("apiVersion", "servicecatalog.k8s.io/v1beta1");
    object.put("kind", "ServiceBinding");
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", NS);
    metadata.put("uid", uid);
    metadata.put("generation", 2);
    if (deleting) {
      metadata.put("deletionTimestamp", Times.now());
    }
    ObjectNode spec = object.putObject("spec");
    spec.putObject("instanceRef").put("name", "mariadb-instance");
    if (secretName != null) {
      spec.put("secretName", secretName);
    }
    return new ResourceEvent(ResourceEvent.SCHEMA_VERSION, UUID.randomUUID().toString(), type,
        "ServiceBinding", NS, name, uid, "7", 2L, Times.now(), object);
  }

  private OperationResult awaitResult(String uid, Operation op, Outcome outcome) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                kafka.resultsFor(uid, r -> r.operation == op && r.outcome == outcome).stream()
                    .findFirst()
                    .orElse(null),
            r -> r != null)
        .result();
  }
}
