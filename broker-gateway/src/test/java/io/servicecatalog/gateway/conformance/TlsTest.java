package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakeBroker;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.gateway.support.TestCertificates;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Brokers over HTTPS (the fake broker as a real TLS server, its certificate signed by a CA made
 * for the test): trusted through {@code spec.caBundle} (PEM or base64 PEM), refused with a clear
 * non-terminal ErrorFetchingCatalog without it, and reached without any CA only with {@code
 * spec.insecureSkipTLSVerify}, which alone skips the host name check.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class TlsTest extends GatewayTestBase {
  private static FakeBroker https;
  private static FakeBroker wrongHost;

  /** Certificate for 127.0.0.1, the host of the broker URL. */
  private static synchronized FakeBroker https() throws IOException {
    if (https == null) {
      https = new FakeBroker(TestCertificates.server("ip:127.0.0.1"));
    }
    return https;
  }

  /** Certificate signed by the same CA, but for another host name. */
  private static synchronized FakeBroker wrongHost() throws IOException {
    if (wrongHost == null) {
      wrongHost = new FakeBroker(TestCertificates.server("dns:broker.elsewhere.example"));
    }
    return wrongHost;
  }

  @AfterAll
  static void stop() {
    if (https != null) {
      https.stop();
    }
    if (wrongHost != null) {
      wrongHost.stop();
    }
  }

  private static ClusterServiceBroker httpsBroker(FakeBroker server) {
    String name = "tls-" + Fixtures.suffix();
    ClusterServiceBroker b = Fixtures.broker(name, server.url() + "/b-" + name);
    return b;
  }

  private void add(ClusterServiceBroker b) {
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
  }

  private static String prefix(ClusterServiceBroker b) {
    return "/b-" + b.getMetadata().getName();
  }

  @Test
  void aBrokerSignedByTheCaInCaBundleIsTrustedAsPemOrBase64() throws IOException {
    assertTrue(https().url().startsWith("https://"));
    ClusterServiceBroker pem = httpsBroker(https());
    pem.getSpec().caBundle = TestCertificates.ca();
    ClusterServiceBroker base64 = httpsBroker(https());
    base64.getSpec().caBundle = Base64.getEncoder().encodeToString(TestCertificates.ca().getBytes(StandardCharsets.US_ASCII));
    add(pem);
    add(base64);

    eventually().until(() -> has(pem, Operation.FETCH_CATALOG, Outcome.SUCCEEDED) && has(base64, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    assertFalse(has(pem, Operation.FETCH_CATALOG, Outcome.FAILED));
    assertNotNull(last(pem, Operation.FETCH_CATALOG, Outcome.SUCCEEDED).catalog);
    assertEquals(1, https().exactly("GET", prefix(pem) + "/v2/catalog").size());
    assertEquals(1, https().exactly("GET", prefix(base64) + "/v2/catalog").size());
  }

  @Test
  void withoutCaBundleTheFetchFailsNamingTheTlsProblemAndIsRetried() throws IOException {
    ClusterServiceBroker b = httpsBroker(https());
    add(b);

    eventually().until(() -> has(b, Operation.FETCH_CATALOG, Outcome.FAILED));
    OperationResult failed = last(b, Operation.FETCH_CATALOG, Outcome.FAILED);
    assertEquals(Reasons.ERROR_FETCHING_CATALOG, failed.reason);
    assertNotEquals(Boolean.TRUE, failed.terminal, "a TLS failure is not terminal");
    assertTrue(failed.message.contains("TLS error") && failed.message.contains("not signed by a trusted CA")
        && failed.message.contains("spec.caBundle"), failed.message);
    assertTrue(https().exactly("GET", prefix(b) + "/v2/catalog").isEmpty(), "no request got through the handshake");
    // Still retried: more than one attempt, all failing the same way.
    eventually().until(() -> TestTopics.results(uid(b)).stream()
        .filter(r -> r.operation == Operation.FETCH_CATALOG && r.outcome == Outcome.FAILED).count() >= 2);

    // The operator adds the CA: the next generation's fetch goes through.
    b.getMetadata().setGeneration(2L);
    b.getSpec().caBundle = TestCertificates.ca();
    catalogApi.put(b);
    TestTopics.send(Fixtures.modified(b));
    eventually().until(() -> has(b, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    assertEquals(2L, last(b, Operation.FETCH_CATALOG, Outcome.SUCCEEDED).generation);
  }

  @Test
  void theHostNameIsCheckedWithACaBundleAndSkippedOnlyWithInsecureSkipTlsVerify() throws IOException {
    ClusterServiceBroker checked = httpsBroker(wrongHost());
    checked.getSpec().caBundle = TestCertificates.ca();
    ClusterServiceBroker insecure = httpsBroker(wrongHost());
    insecure.getSpec().insecureSkipTLSVerify = true;
    add(checked);
    add(insecure);

    eventually().until(() -> has(checked, Operation.FETCH_CATALOG, Outcome.FAILED) && has(insecure, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    OperationResult failed = last(checked, Operation.FETCH_CATALOG, Outcome.FAILED);
    assertTrue(failed.message.contains("TLS error") && failed.message.contains("does not name the host"), failed.message);
    assertFalse(has(checked, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    assertTrue(wrongHost().exactly("GET", prefix(checked) + "/v2/catalog").isEmpty());
    assertEquals(1, wrongHost().exactly("GET", prefix(insecure) + "/v2/catalog").size());
  }

  @Test
  void insecureSkipTlsVerifyConnectsWithoutACa() throws IOException {
    ClusterServiceBroker b = httpsBroker(https());
    b.getSpec().insecureSkipTLSVerify = true;
    add(b);
    eventually().until(() -> has(b, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    assertFalse(has(b, Operation.FETCH_CATALOG, Outcome.FAILED));
  }
}
