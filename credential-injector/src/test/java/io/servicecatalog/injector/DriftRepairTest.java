package io.servicecatalog.injector;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.store.StoredEnvelope;
import io.servicecatalog.injector.testsupport.CatalogApiStub;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.injector.watch.ManagedSecretWatch;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.testsupport.KafkaTestResource;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Secrets deleted or edited by hand are restored, and the binding hears about it. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class DriftRepairTest extends InjectorTestBase {

  @Inject EnvelopeStore store;
  @Inject ManagedSecretWatch watch;

  /** A binding whose Secret was written and recorded by catalog-api. */
  private String injected(String uid, String name, Map<String, Object> credentials) {
    CatalogApiStub.exists(NS, name, uid, null, Map.of(), true);
    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, credentials, null));
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "InjectedBindResult");
    return name;
  }

  private static Map<String, Object> credentials(String password) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("host", "db.example");
    c.put("port", 3306);
    c.put("username", "app");
    c.put("password", password);
    return c;
  }

  @Test
  void deletedSecretIsRestored() {
    String uid = TestKafka.newUid();
    String name = injected(uid, "deleted-" + uid.substring(0, 8), credentials("pw-" + uid));
    Secret before = secret(name);

    kube.secrets().inNamespace(NS).withName(name).delete();

    OperationResult r =
        awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "SecretRepaired").result();
    assertEquals("Secret " + name + " was deleted; restored it from the binding's credentials",
        r.message);
    assertEquals(name, r.secretName);
    Secret after = secret(name);
    assertEquals(before.getData(), after.getData());
    assertEquals(before.getType(), after.getType());
    assertEquals(before.getMetadata().getLabels(), after.getMetadata().getLabels());
  }

  @Test
  void editedSecretIsRestoredAndTheResultNamesKeysNotValues() throws Exception {
    String uid = TestKafka.newUid();
    String password = "pw-" + uid;
    String name = injected(uid, "edited-" + uid.substring(0, 8), credentials(password));
    Secret original = secret(name);

    // k8s-syncer (or anyone) adds an owner reference and an annotation: not drift.
    OwnerReference owner =
        new OwnerReferenceBuilder().withApiVersion("servicecatalog.k8s.io/v1beta1")
            .withKind("ServiceBinding").withName(name).withUid(UUID.randomUUID().toString())
            .withController(true).build();
    Secret owned = kube.secrets().inNamespace(NS).resource(
        new SecretBuilder(original).editMetadata().withOwnerReferences(owner)
            .addToAnnotations("example.com/note", "kept").endMetadata().build()).update();

    // Someone edits it by hand: a value changed, a key removed, a key added.
    Map<String, String> data = new LinkedHashMap<>(owned.getData());
    data.put("password", b64("hacked-" + uid));
    data.remove("host");
    data.put("note", b64("mine"));
    kube.secrets().inNamespace(NS).resource(new SecretBuilder(owned).withData(data).build()).update();

    OperationResult r =
        awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "SecretRepaired").result();
    assertThat(r.message, allOf(containsString("value of password changed"),
        containsString("host removed"), containsString("note added"),
        not(containsString("hacked")), not(containsString(password)), not(containsString("mine"))));
    Secret restored = awaitSecret(name, s -> !s.getData().containsKey("note"));
    assertEquals(original.getData(), restored.getData());
    assertEquals(List.of(owner), restored.getMetadata().getOwnerReferences(), "owner kept");
    assertEquals("kept", restored.getMetadata().getAnnotations().get("example.com/note"));
    // One repair, not one per watch event.
    Thread.sleep(1500);
    assertEquals(1, kafka.resultsFor(uid, x -> "SecretRepaired".equals(x.reason)).size());
  }

  @Test
  void theDeletionOfABindingIsNotUndone() throws Exception {
    String uid = TestKafka.newUid();
    String name = injected(uid, "leaving-" + uid.substring(0, 8), credentials("pw"));

    kafka.sendResourceEvent(BindingDeletionTest.event(
        ResourceEvent.Type.MODIFIED, name, uid, null, true));

    awaitResult(uid, Operation.DELETE_SECRET, Outcome.SUCCEEDED, "CredentialsSecretDeleted");
    Thread.sleep(2000);
    assertNull(secret(name));
    assertTrue(kafka.resultsFor(uid, x -> "SecretRepaired".equals(x.reason)).isEmpty());
  }

  @Test
  void theCheckForMissingSecretsRestoresOnlyBindingsThatHadOne() {
    // As after a restart: the envelopes were read back from the topic, the Secrets are gone.
    String wasInjected = TestKafka.newUid();
    String neverInjected = TestKafka.newUid();
    String a = "missing-" + wasInjected.substring(0, 8);
    String b = "pending-" + neverInjected.substring(0, 8);
    CatalogApiStub.exists(NS, a, wasInjected, null, Map.of(), true);
    CatalogApiStub.exists(NS, b, neverInjected, null, Map.of(), false);
    store.offer(new StoredEnvelope(
        TestKafka.seal(NS, a, wasInjected, null, credentials("pw-a"), null), -1, -1));
    store.offer(new StoredEnvelope(
        TestKafka.seal(NS, b, neverInjected, null, credentials("pw-b"), null), -1, -1));

    watch.checkForMissing();

    OperationResult r = awaitResult(wasInjected, Operation.INJECT_SECRET, Outcome.SUCCEEDED,
        "SecretRepaired").result();
    assertThat(r.message, containsString("was deleted"));
    assertEquals("pw-a", decode(secret(a)).get("password"));
    assertNull(secret(b));
    assertTrue(kafka.resultsFor(neverInjected).isEmpty());
    assertEquals(1, CatalogApiStub.lookups(NS, b));
    watch.checkForMissing(); // known not injected: not asked again
    assertEquals(1, CatalogApiStub.lookups(NS, b));
  }

  @Test
  void optingOutLaterLaysTheSecretOutAgainKeepingItsOwner() {
    String uid = TestKafka.newUid();
    String name = injected(uid, "relayout-" + uid.substring(0, 8), credentials("pw"));
    Secret before = secret(name);
    assertEquals("servicebinding.io/mariadb", before.getType());
    OwnerReference owner =
        new OwnerReferenceBuilder().withApiVersion("servicecatalog.k8s.io/v1beta1")
            .withKind("ServiceBinding").withName(name).withUid(UUID.randomUUID().toString())
            .build();
    kube.secrets().inNamespace(NS).resource(
        new SecretBuilder(before).editMetadata().withOwnerReferences(owner).endMetadata().build())
        .update();

    Map<String, String> annotations = Map.of("servicecatalog.k8s.io/secret-layout", "original");
    CatalogApiStub.exists(NS, name, uid, null, annotations, true);
    kafka.sendResourceEvent(modified(name, uid, annotations));

    Secret after = awaitSecret(name, s -> "Opaque".equals(s.getType()));
    assertEquals(Map.of("host", "db.example", "port", "3306", "username", "app", "password", "pw"),
        decode(after));
    assertEquals(List.of(owner), after.getMetadata().getOwnerReferences());
    awaitResults(uid, 2, x -> "InjectedBindResult".equals(x.reason));
    assertFalse(kafka.resultsFor(uid).stream().anyMatch(x -> "SecretRepaired".equals(x.result().reason)));
  }

  @Test
  void aSecretWrittenBeforeTheDigestExistedIsLaidOutAnewKeepingItsType() {
    String uid = TestKafka.newUid();
    String name = "legacy-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null, Map.of(), true);
    store.offer(new StoredEnvelope(
        TestKafka.seal(NS, name, uid, null, Map.of("host", "db", "password", "pw"), null), -1, -1));
    // As the previous version of the injector wrote it: original format, no annotations.
    kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
        .withName(name).withNamespace(NS)
        .addToLabels("app.kubernetes.io/managed-by", "service-catalog")
        .addToLabels("servicecatalog.k8s.io/binding-uid", uid)
        .addToLabels("servicecatalog.k8s.io/binding-name", name).endMetadata()
        .withType("Opaque").addToData("host", b64("db")).addToData("password", b64("pw")).build())
        .create();

    OperationResult r =
        awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED, "InjectedBindResult").result();
    assertEquals("Injected bind result into Secret " + name, r.message);
    Secret after = secret(name);
    assertEquals("Opaque", after.getType(), "not deleted and created again for its type");
    assertEquals(Map.of("host", "db", "password", "pw", "type", "mariadb",
        "provider", "mariadb-broker"), decode(after));
    assertTrue(after.getMetadata().getAnnotations()
        .containsKey("servicecatalog.k8s.io/credentials-digest"));
    assertTrue(kafka.resultsFor(uid, x -> "SecretRepaired".equals(x.reason)).isEmpty());
  }

  static ResourceEvent modified(String name, String uid, Map<String, String> annotations) {
    ResourceEvent e = BindingDeletionTest.event(ResourceEvent.Type.MODIFIED, name, uid, null, false);
    ObjectNode a = ((ObjectNode) e.object().path("metadata")).putObject("annotations");
    annotations.forEach(a::put);
    return new ResourceEvent(e.schemaVersion(), UUID.randomUUID().toString(), e.type(), e.kind(),
        e.namespace(), e.name(), e.uid(), "8", e.generation(), Times.now(), e.object());
  }
}
