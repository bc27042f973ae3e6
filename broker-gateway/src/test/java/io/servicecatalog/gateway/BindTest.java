package io.servicecatalog.gateway;

import static io.servicecatalog.gateway.support.Fixtures.suffix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.support.FakeBroker.Behaviour;
import io.servicecatalog.gateway.support.FakeBroker.Recorded;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.testsupport.KafkaTestResource;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.SecretTransform;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class BindTest extends GatewayTestBase {

  @ConfigProperty(name = "servicecatalog.credentials.key")
  String key;

  private static String path(ServiceInstance i, ServiceBinding b) {
    return "/v2/service_instances/" + i.getSpec().externalID + "/service_bindings/" + b.getSpec().externalID;
  }

  private static boolean has(ServiceBinding b, Operation op, Outcome outcome) {
    return TestTopics.results(b.getMetadata().getUid()).stream().anyMatch(r -> r.operation == op && r.outcome == outcome);
  }

  @Test
  void bindPublishesSealedCredentialsThenAResultWithoutThem() throws Exception {
    ServiceInstance i = readyInstance();
    ServiceBinding b = Fixtures.binding("app-" + suffix(), i.getMetadata().getName());
    SecretTransform rename = new SecretTransform();
    rename.renameKey = new SecretTransform.RenameKey();
    rename.renameKey.from = "username";
    rename.renameKey.to = "user";
    b.getSpec().secretTransforms = List.of(rename);
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    String uid = b.getMetadata().getUid();
    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    String secret = "s3cr3t-" + b.getSpec().externalID;

    List<ConsumerRecord<String, String>> envelopes = TestTopics.credentialRecords(uid);
    assertEquals(1, envelopes.size());
    ConsumerRecord<String, String> envelopeRecord = envelopes.get(0);
    assertFalse(envelopeRecord.value().contains(secret), "credentials travel sealed");
    CredentialsEnvelope envelope = Json.MAPPER.readValue(envelopeRecord.value(), CredentialsEnvelope.class);
    assertEquals(uid, envelope.bindingUid());
    assertEquals(b.getSpec().secretName, envelope.secretName());
    assertEquals(Fixtures.NAMESPACE, envelope.namespace());
    assertEquals(b.getMetadata().getName(), envelope.bindingName());
    assertEquals(CredentialsCipher.ALGORITHM, envelope.algorithm());
    CredentialsCipher cipher = CredentialsCipher.fromBase64(key);
    BindingCredentials opened = Json.MAPPER.readValue(cipher.open(envelope.nonce(), envelope.ciphertext(), uid), BindingCredentials.class);
    assertEquals(secret, opened.credentials().get("password").asText());
    assertEquals(3306, opened.credentials().get("port").asInt());
    assertEquals("user", opened.secretTransforms().get(0).renameKey.to);
    assertEquals(brokerResource.getMetadata().getName(), opened.brokerName());
    assertEquals("mariadb", opened.serviceClassExternalName());

    List<ConsumerRecord<String, String>> results = TestTopics.resultRecords(uid);
    results.forEach(r -> assertFalse(r.value().contains(secret), "a result never carries credentials"));
    OperationResult done = TestTopics.results(uid).stream().filter(r -> r.outcome == Outcome.SUCCEEDED).findFirst().orElseThrow();
    assertEquals(Reasons.INJECTING_BIND_RESULT, done.reason);
    ConsumerRecord<String, String> doneRecord = results.stream().filter(r -> r.value().contains("\"SUCCEEDED\"")).findFirst().orElseThrow();
    assertTrue(envelopeRecord.timestamp() <= doneRecord.timestamp(), "the envelope is published before the result");

    Recorded put = broker.exactly("PUT", path(i, b)).get(0);
    JsonNode body = Json.MAPPER.readTree(put.body());
    assertEquals(namespaceUid(), body.get("app_guid").asText());
    assertEquals(namespaceUid(), body.at("/bind_resource/app_guid").asText());
    assertEquals(serviceClass.getSpec().externalID, body.get("service_id").asText());
    assertEquals(plan.getSpec().externalID, body.get("plan_id").asText());
    assertEquals("kubernetes", body.at("/context/platform").asText());
    assertEquals(Fixtures.NAMESPACE, body.at("/context/namespace").asText());
    assertEquals(i.getMetadata().getName(), body.at("/context/instance_name").asText());
    assertFalse(body.at("/context/clusterid").asText().isEmpty());
    assertEquals("true", put.query().get("accepts_incomplete"));
  }

  @Test
  void asyncBindPollsThenFetchesTheBinding() throws Exception {
    ServiceInstance i = readyInstance();
    ServiceBinding b = Fixtures.binding("app-" + suffix(), i.getMetadata().getName());
    b.getSpec().secretName = null;
    catalogApi.put(b);
    broker.behave(b.getSpec().externalID, Behaviour.async(1, null));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    assertEquals(2, broker.exactly("GET", path(i, b) + "/last_operation").size());
    assertEquals(1, broker.exactly("GET", path(i, b)).size());
    CredentialsEnvelope envelope =
        Json.MAPPER.readValue(TestTopics.credentialRecords(b.getMetadata().getUid()).get(0).value(), CredentialsEnvelope.class);
    assertEquals(b.getMetadata().getName(), envelope.secretName(), "the Secret defaults to the binding's name");
  }

  @Test
  void bindWaitsUntilTheInstanceIsReady() throws Exception {
    ServiceInstance i = Fixtures.instance("db-" + suffix(), serviceClass.getMetadata().getName(), plan.getMetadata().getName());
    catalogApi.put(i);
    ServiceBinding b = Fixtures.binding("app-" + suffix(), i.getMetadata().getName());
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));
    Thread.sleep(1000);
    assertTrue(broker.requests("PUT", path(i, b)).isEmpty());

    // catalog-api re-publishes the binding once its instance is Ready.
    catalogApi.put(Fixtures.markProvisioned(i));
    TestTopics.send(Fixtures.modified(b));
    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    assertEquals(1, broker.exactly("PUT", path(i, b)).size());
  }

  @Test
  void aNonBindablePlanFailsTerminallyWithoutCallingTheBroker() throws Exception {
    plan.getSpec().bindable = false;
    catalogApi.put(plan);
    ServiceInstance i = readyInstance();
    ServiceBinding b = Fixtures.binding("app-" + suffix(), i.getMetadata().getName());
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    eventually().until(() -> has(b, Operation.BIND, Outcome.FAILED));
    OperationResult failed = TestTopics.results(b.getMetadata().getUid()).get(0);
    assertEquals(Reasons.ERROR_NONBINDABLE, failed.reason);
    assertEquals(Boolean.TRUE, failed.terminal);
    assertTrue(broker.requests("PUT", path(i, b)).isEmpty());
  }

  @Test
  void bind500IsOrphanMitigatedWithAnUnbindThenRetried() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = Fixtures.binding("app-" + suffix(), i.getMetadata().getName());
    catalogApi.put(b);
    broker.behave(b.getSpec().externalID, Behaviour.statuses(503, 201));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    eventually().until(() -> has(b, Operation.BIND, Outcome.SUCCEEDED));
    List<String> calls = broker.requests().stream().filter(r -> r.path().equals(path(i, b))).map(Recorded::method).toList();
    assertEquals(List.of("PUT", "DELETE", "PUT"), calls);
    assertEquals(1, TestTopics.credentialRecords(b.getMetadata().getUid()).size());
  }

  @Test
  void unbindComesAfterTheSecretIsGoneAndEndsWithATombstone() {
    ServiceInstance i = readyInstance();
    ServiceBinding b = Fixtures.binding("app-" + suffix(), i.getMetadata().getName());
    b.getMetadata().setDeletionTimestamp(Times.now());
    b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
    b.getStatus().binding = new io.servicecatalog.model.v1beta1.LocalObjectReference(b.getSpec().secretName);
    catalogApi.put(b);
    TestTopics.send(Fixtures.modified(b));
    eventually().during(java.time.Duration.ofMillis(800)).atMost(java.time.Duration.ofSeconds(5))
        .until(() -> broker.requests("DELETE", path(i, b)).isEmpty());

    // credential-injector deleted the Secret: status.binding is cleared.
    b.getStatus().binding = null;
    catalogApi.put(b);
    TestTopics.send(Fixtures.modified(b));
    eventually().until(() -> has(b, Operation.UNBIND, Outcome.SUCCEEDED));
    Recorded delete = broker.exactly("DELETE", path(i, b)).get(0);
    assertEquals(serviceClass.getSpec().externalID, delete.query().get("service_id"));
    assertEquals(plan.getSpec().externalID, delete.query().get("plan_id"));
    assertEquals("true", delete.query().get("accepts_incomplete"));
    eventually().until(() -> TestTopics.credentialRecords(b.getMetadata().getUid()).stream().anyMatch(r -> r.value() == null));
    assertNull(TestTopics.credentialRecords(b.getMetadata().getUid()).get(0).value());
  }
}
