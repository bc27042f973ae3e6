package io.servicecatalog.injector;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.servicecatalog.injector.testsupport.CatalogApiStub;
import io.servicecatalog.injector.testsupport.FakeCatalogApi;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.servicecatalog.injector.testsupport.LogCapture;
import io.servicecatalog.injector.testsupport.TestKafka;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ObjectReference;
import io.servicecatalog.model.v1beta1.SecretTransform;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Envelopes on servicecatalog.credentials → Secrets, against real Kafka and a CRUD API mock. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakeCatalogApi.class)
class SecretInjectionTest {
  static final String NS = "apps";
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient kube;
  @Inject MeterRegistry registry;

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
  void defaultLayoutAddsTheServiceBindingIoEntries() {
    String uid = TestKafka.newUid();
    String name = "sbio-" + uid.substring(0, 8);
    String password = "pw-" + uid;
    CatalogApiStub.exists(NS, name, uid, null);
    Map<String, Object> credentials = new LinkedHashMap<>();
    credentials.put("hostname", "mariadb.example");
    credentials.put("login", "app_user");
    credentials.put("password", password);
    credentials.put("url", "mysql://app_user@mariadb.example:3306/app");

    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, credentials, null));

    Secret secret = awaitSecret(name);
    assertEquals("servicebinding.io/mariadb", secret.getType());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("hostname", "mariadb.example");
    expected.put("login", "app_user");
    expected.put("password", password);
    expected.put("url", "mysql://app_user@mariadb.example:3306/app");
    expected.put("type", "mariadb");
    expected.put("provider", "mariadb-broker");
    expected.put("uri", "mysql://app_user@mariadb.example:3306/app");
    expected.put("host", "mariadb.example");
    expected.put("username", "app_user");
    expected.put("port", "3306");
    expected.put("database", "app");
    assertEquals(expected, decode(secret));
    OperationResult r = awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED).result();
    assertEquals("InjectedBindResult", r.reason);
    assertEquals(name, r.secretName);
  }

  @Test
  void typeAnnotationOverridesTheClassAndAnUnknownLayoutFallsBackToTheDefault() {
    String uid = TestKafka.newUid();
    String name = "typed-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null,
        Map.of("servicebinding.io/type", "mysql", "servicecatalog.k8s.io/secret-layout", "orignal"),
        false);

    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, Map.of("host", "db"), null));

    Secret secret = awaitSecret(name);
    assertEquals("servicebinding.io/mysql", secret.getType());
    assertEquals("mysql", decode(secret).get("type"));
    OperationResult r = awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED).result();
    assertThat(r.message, containsString("unknown value 'orignal'"));
  }

  @Test
  void optedOutBindingGetsExactlyTheOriginalFormat() {
    String uid = TestKafka.newUid();
    String name = "mariadb-binding-" + uid.substring(0, 8);
    String password = "pw-" + uid;
    CatalogApiStub.exists(NS, name, uid, "mariadb-credentials-" + uid.substring(0, 8),
        Map.of("servicecatalog.k8s.io/secret-layout", "original"), false);
    Map<String, Object> credentials = new LinkedHashMap<>();
    credentials.put("host", "mariadb.example");
    credentials.put("port", 3306);
    credentials.put("username", "app_user");
    credentials.put("password", password);
    credentials.put("uri", "mysql://app_user@mariadb.example:3306/app?a=<b>&c");
    credentials.put("options", Map.of("tls", true, "charset", "utf8mb4", "timeout", 2.5));
    credentials.put("replicas", List.of("r1", "r2"));
    credentials.put("ratio", 0.5);
    String secretName = "mariadb-credentials-" + uid.substring(0, 8);

    try (LogCapture logs = LogCapture.start()) {
      kafka.sendEnvelope(TestKafka.seal(NS, name, uid, secretName, credentials, null));

      Secret secret = awaitSecret(secretName);
      assertEquals("Opaque", secret.getType());
      assertEquals(
              Map.of(
                  "host", "mariadb.example",
                  "port", "3306",
                  "username", "app_user",
                  "password", password,
                  "uri", "mysql://app_user@mariadb.example:3306/app?a=<b>&c",
                  "options", "{\"charset\":\"utf8mb4\",\"timeout\":2.5,\"tls\":true}",
                  "replicas", "[\"r1\",\"r2\"]",
                  "ratio", "0.5"),
          decode(secret));
      assertEquals(
          Map.of(
              "app.kubernetes.io/managed-by", "service-catalog",
              "servicecatalog.k8s.io/binding-uid", uid,
              "servicecatalog.k8s.io/binding-name", name),
          secret.getMetadata().getLabels());

      TestKafka.Result result = awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);
      OperationResult r = result.result();
      assertEquals("credential-injector", r.source);
      assertEquals("ServiceBinding", r.kind);
      assertEquals(NS, r.namespace);
      assertEquals(name, r.name);
      assertEquals(Long.valueOf(1), r.generation);
      assertEquals(secretName, r.secretName);
      assertEquals("InjectedBindResult", r.reason);
      assertThat(result.raw(), not(containsString(password)));
      assertThat(result.raw(), not(containsString("app_user")));
      assertThat(logs.text(), not(containsString(password)));
    }
  }

  @Test
  void secretTransformsApplyInOrder() {
    String uid = TestKafka.newUid();
    String name = "transformed-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null);
    kube.secrets()
        .inNamespace("shared")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("extra-" + uid.substring(0, 8))
                .withNamespace("shared")
                .endMetadata()
                .addToData("ca.crt", b64("CERT"))
                .addToData("password", b64("from-shared"))
                .build())
        .create();
    Map<String, Object> credentials = new LinkedHashMap<>();
    credentials.put("host", "db");
    credentials.put("port", 3306);
    credentials.put("database", "app");
    credentials.put("username", "app_user");
    credentials.put("password", "from-broker");

    List<SecretTransform> transforms =
        List.of(
            rename("username", "user"),
            addJsonPath("jdbcUrl", "jdbc:mariadb://{.host}:{.port}/{.database}"),
            addKey("literal", "hello", b64("loses to stringValue")),
            addKey("raw", null, b64("bytes\u0001")),
            addJsonPath("userCopy", "$.user"),
            addKeysFrom("shared", "extra-" + uid.substring(0, 8)),
            remove("host"));
    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, credentials, transforms));

    Secret secret = awaitSecret(name);
    // servicebinding.io entries first (username, host and database were given), then the
    // transforms, which have the last word: username renamed, host removed.
    assertEquals(
            Map.ofEntries(
                Map.entry("type", "mariadb"),
                Map.entry("provider", "mariadb-broker"),
                Map.entry("port", "3306"),
                Map.entry("database", "app"),
                Map.entry("user", "app_user"),
                Map.entry("jdbcUrl", "jdbc:mariadb://db:3306/app"),
                Map.entry("literal", "hello"),
                Map.entry("raw", "bytes\u0001"),
                Map.entry("userCopy", "app_user"),
                Map.entry("ca.crt", "CERT"),
                Map.entry("password", "from-shared")),
        decode(secret));
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);
  }

  @Test
  void tamperedEnvelopeIsReportedAndWritesNothing() {
    String uid = TestKafka.newUid();
    String name = "tampered-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null);
    CredentialsEnvelope good =
        TestKafka.seal(NS, name, uid, null, Map.of("password", "pw-" + uid), null);
    byte[] ct = Base64.getDecoder().decode(good.ciphertext());
    ct[0] ^= 0x01;
    CredentialsEnvelope tampered =
        new CredentialsEnvelope(good.schemaVersion(), uid, NS, name, null, 1L, good.keyId(),
            good.algorithm(), good.nonce(), Base64.getEncoder().encodeToString(ct));

    try (LogCapture logs = LogCapture.start()) {
      kafka.sendEnvelope(tampered);
      OperationResult r = awaitResult(uid, Operation.INJECT_SECRET, Outcome.FAILED).result();
      assertEquals("ErrorInjectingBindResult", r.reason);
      assertEquals(Boolean.TRUE, r.terminal);
      assertThat(r.message, containsString("failed authentication"));
      assertThat(logs.text(), not(containsString("pw-" + uid)));
    }
    assertNull(kube.secrets().inNamespace(NS).withName(name).get());
    assertTrue(resultsFor(uid, Outcome.SUCCEEDED).isEmpty());
  }

  @Test
  void envelopeCopiedOntoAnotherBindingFailsAuthentication() {
    String victimUid = TestKafka.newUid();
    String name = "replayed-" + victimUid.substring(0, 8);
    CatalogApiStub.exists(NS, name, victimUid, null);
    CredentialsEnvelope other =
        TestKafka.seal(NS, "elsewhere", TestKafka.newUid(), null, Map.of("k", "v"), null);
    CredentialsEnvelope replayed =
        new CredentialsEnvelope(1, victimUid, NS, name, null, 1L, other.keyId(),
            other.algorithm(), other.nonce(), other.ciphertext());

    kafka.sendEnvelope(replayed);

    OperationResult r = awaitResult(victimUid, Operation.INJECT_SECRET, Outcome.FAILED).result();
    assertThat(r.message, containsString("sealed for another binding"));
    assertNull(kube.secrets().inNamespace(NS).withName(name).get());
  }

  @Test
  void envelopeSealedWithAnotherKeyIsReported() {
    String uid = TestKafka.newUid();
    String name = "other-key-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null);
    CredentialsCipher otherKey = CredentialsCipher.fromBase64(CredentialsCipher.generateKey());

    kafka.sendEnvelope(TestKafka.seal(otherKey, NS, name, uid, null, Map.of("k", "v"), null));

    OperationResult r = awaitResult(uid, Operation.INJECT_SECRET, Outcome.FAILED).result();
    assertEquals("ErrorInjectingBindResult", r.reason);
    assertThat(r.message, containsString(otherKey.keyId()));
    assertThat(r.message, containsString("does not hold"));
    assertNull(kube.secrets().inNamespace(NS).withName(name).get());
  }

  @Test
  void foreignSecretIsLeftUntouchedUntilItsOwnerRemovesIt() {
    String uid = TestKafka.newUid();
    String name = "taken-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null);
    Secret foreign =
        kube.secrets()
            .inNamespace(NS)
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(NS)
                    .addToLabels("servicecatalog.k8s.io/binding-uid", "someone-else")
                    .endMetadata()
                    .addToData("mine", b64("keep me"))
                    .build())
            .create();

    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, Map.of("password", "pw"), null));

    OperationResult failed = awaitResult(uid, Operation.INJECT_SECRET, Outcome.FAILED).result();
    assertEquals("ErrorInjectingBindResult", failed.reason);
    assertThat(failed.message, containsString("not owned by this binding"));
    assertEquals(Boolean.FALSE, failed.terminal);
    Secret after = kube.secrets().inNamespace(NS).withName(name).get();
    assertEquals(foreign.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
    assertEquals(Map.of("mine", "keep me"), decode(after));
    assertTrue(resultsFor(uid, Outcome.SUCCEEDED).isEmpty());

    // Its owner removes it: the retry converges.
    kube.secrets().inNamespace(NS).withName(name).delete();
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);
    assertEquals(Map.of("password", "pw", "type", "mariadb", "provider", "mariadb-broker"),
        decode(kube.secrets().inNamespace(NS).withName(name).get()));
  }

  @Test
  void replayingTheSameEnvelopeChangesNothing() {
    String uid = TestKafka.newUid();
    String name = "replay-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null);
    CredentialsEnvelope envelope =
        TestKafka.seal(NS, name, uid, null, Map.of("password", "pw", "port", 3306), null);

    kafka.sendEnvelope(envelope);
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);
    Secret first = kube.secrets().inNamespace(NS).withName(name).get();

    kafka.sendEnvelope(envelope);
    await()
        .atMost(WAIT)
        .until(() -> resultsFor(uid, Outcome.SUCCEEDED).size() == 2);
    Secret second = kube.secrets().inNamespace(NS).withName(name).get();
    assertEquals(first.getMetadata().getResourceVersion(), second.getMetadata().getResourceVersion());
    assertEquals(first.getData(), second.getData());
  }

  @Test
  void bindingGoneAtCatalogApiGetsNoSecret() {
    String uid = TestKafka.newUid();
    String name = "gone-" + uid.substring(0, 8);
    CatalogApiStub.gone(NS, name);
    double skippedBefore = skipped("gone");

    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, Map.of("password", "pw"), null));

    await().atMost(WAIT).until(() -> skipped("gone") > skippedBefore);
    assertEquals(1, CatalogApiStub.lookups(NS, name));
    assertNull(kube.secrets().inNamespace(NS).withName(name).get());
    assertTrue(kafka.resultsFor(uid).isEmpty());
  }

  @Test
  void bindingReplacedAtCatalogApiGetsNoSecretAndLosesTheOldOne() {
    String oldUid = TestKafka.newUid();
    String name = "replaced-" + oldUid.substring(0, 8);
    CatalogApiStub.exists(NS, name, oldUid, null);
    kafka.sendEnvelope(TestKafka.seal(NS, name, oldUid, null, Map.of("password", "old"), null));
    awaitResult(oldUid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);

    // The binding was deleted and recreated; a late re-delivery of the old envelope arrives.
    CatalogApiStub.exists(NS, name, TestKafka.newUid(), null);
    double skippedBefore = skipped("replaced");
    kafka.sendEnvelope(TestKafka.seal(NS, name, oldUid, null, Map.of("password", "old"), null));

    await().atMost(WAIT).until(() -> skipped("replaced") > skippedBefore);
    assertNull(kube.secrets().inNamespace(NS).withName(name).get());
  }

  @Test
  void bindingBeingDeletedGetsNoSecret() {
    String uid = TestKafka.newUid();
    String name = "deleting-" + uid.substring(0, 8);
    CatalogApiStub.deleting(NS, name, uid, null);

    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, Map.of("password", "pw"), null));

    OperationResult r = awaitResult(uid, Operation.DELETE_SECRET, Outcome.SUCCEEDED).result();
    assertEquals(name, r.secretName);
    assertNull(kube.secrets().inNamespace(NS).withName(name).get());
    assertTrue(resultsFor(uid, Outcome.SUCCEEDED).stream()
        .noneMatch(x -> x.result().operation == Operation.INJECT_SECRET));
  }

  @Test
  void catalogApiOutageIsReportedAndRetried() {
    String uid = TestKafka.newUid();
    String name = "flaky-" + uid.substring(0, 8);
    CatalogApiStub.existsAfterFailures(NS, name, uid, null, 2);

    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, Map.of("password", "pw"), null));

    OperationResult failed = awaitResult(uid, Operation.INJECT_SECRET, Outcome.FAILED).result();
    assertEquals(Boolean.FALSE, failed.terminal);
    assertThat(failed.message, containsString("catalog-api"));
    assertThat(failed.message, containsString("503"));
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);
    assertNotNull(kube.secrets().inNamespace(NS).withName(name).get());
    assertEquals(3, CatalogApiStub.lookups(NS, name));
  }

  @Test
  void envelopeNamingAnotherSecretThanTheBindingIsRefused() {
    String uid = TestKafka.newUid();
    String name = "redirect-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, "expected-secret");

    kafka.sendEnvelope(
        TestKafka.seal(NS, name, uid, "someone-elses-secret", Map.of("password", "pw"), null));

    OperationResult r = awaitResult(uid, Operation.INJECT_SECRET, Outcome.FAILED).result();
    assertEquals(Boolean.TRUE, r.terminal);
    assertThat(r.message, containsString("spec.secretName"));
    assertNull(kube.secrets().inNamespace(NS).withName("someone-elses-secret").get());
    assertNull(kube.secrets().inNamespace(NS).withName("expected-secret").get());
  }

  @Test
  void tombstonesAndGarbageDoNotStopTheConsumer() {
    kafka.send("servicecatalog.credentials", "some-uid", null);
    kafka.send("servicecatalog.credentials", "some-uid", "{not json");
    String uid = TestKafka.newUid();
    String name = "after-garbage-" + uid.substring(0, 8);
    CatalogApiStub.exists(NS, name, uid, null);
    kafka.sendEnvelope(TestKafka.seal(NS, name, uid, null, Map.of("password", "pw"), null));
    awaitResult(uid, Operation.INJECT_SECRET, Outcome.SUCCEEDED);
  }

  // --- helpers -----------------------------------------------------------------------------

  private Secret awaitSecret(String name) {
    return await()
        .atMost(WAIT)
        .until(() -> kube.secrets().inNamespace(NS).withName(name).get(), s -> s != null);
  }

  private TestKafka.Result awaitResult(String uid, Operation op, Outcome outcome) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                kafka.resultsFor(uid, r -> r.operation == op && r.outcome == outcome).stream()
                    .findFirst()
                    .orElse(null),
            r -> r != null);
  }

  private List<TestKafka.Result> resultsFor(String uid, Outcome outcome) {
    return kafka.resultsFor(uid, r -> r.outcome == outcome);
  }

  private double skipped(String reason) {
    Counter c =
        registry.find("servicecatalog.injector.envelopes.skipped").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  static Map<String, String> decode(Secret secret) {
    return secret.getData().entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8)));
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static SecretTransform rename(String from, String to) {
    SecretTransform t = new SecretTransform();
    t.renameKey = new SecretTransform.RenameKey();
    t.renameKey.from = from;
    t.renameKey.to = to;
    return t;
  }

  static SecretTransform addKey(String key, String stringValue, String value) {
    SecretTransform t = new SecretTransform();
    t.addKey = new SecretTransform.AddKey();
    t.addKey.key = key;
    t.addKey.stringValue = stringValue;
    t.addKey.value = value;
    return t;
  }

  static SecretTransform addJsonPath(String key, String expression) {
    SecretTransform t = addKey(key, "loses to jsonPath", null);
    t.addKey.jsonPathExpression = expression;
    return t;
  }

  static SecretTransform addKeysFrom(String namespace, String name) {
    SecretTransform t = new SecretTransform();
    t.addKeysFrom = new SecretTransform.AddKeysFrom();
    t.addKeysFrom.secretRef = new ObjectReference(namespace, name);
    return t;
  }

  static SecretTransform remove(String key) {
    SecretTransform t = new SecretTransform();
    t.removeKey = new SecretTransform.RemoveKey();
    t.removeKey.key = key;
    return t;
  }
}
