package io.servicecatalog.gateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.WithTestResource;
import jakarta.inject.Inject;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.servicecatalog.gateway.osb.OsbClient;
import io.servicecatalog.gateway.support.FakeBroker;
import io.servicecatalog.gateway.support.FakeBroker.Recorded;
import io.servicecatalog.gateway.support.FakeBroker.Reply;
import io.servicecatalog.gateway.support.FakesTestResource;
import io.servicecatalog.gateway.support.Fixtures;
import io.servicecatalog.gateway.support.GatewayTestBase;
import io.servicecatalog.gateway.support.TestTopics;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.CatalogRestrictions;
import io.servicecatalog.model.v1beta1.ObjectReference;
import io.servicecatalog.model.v1beta1.ServiceBroker;
import io.servicecatalog.model.v1beta1.ServiceBrokerAuthInfo;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The broker connection: API version negotiation (412), basic and bearer auth from a Secret that
 * may change, the per-broker request timeout, namespaced ServiceBrokers, catalogRestrictions, and
 * the audit record of every call.
 */
@QuarkusTest
@WithTestResource(KubernetesServerTestResource.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(FakesTestResource.class)
class BrokerConnectionTest extends GatewayTestBase {

  private List<Recorded> catalogCalls(String prefix) {
    return broker.exactly("GET", prefix + "/v2/catalog");
  }

  @Test
  void on412TheNextOlderVersionIsTriedAndTheAcceptedOneIsRemembered() {
    OtherBroker other = otherBroker();
    broker.acceptedVersions.put(other.prefix(), List.of("2.14", "2.13"));
    other.broker().getStatus().reconciledGeneration = null;
    catalogApi.put(other.broker());
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, other.broker()));

    eventually().until(() -> has(other.broker(), Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    assertEquals(List.of("2.17", "2.16", "2.15", "2.14"),
        catalogCalls(other.prefix()).stream().map(r -> r.header("X-Broker-API-Version")).toList());

    ServiceInstance i = newInstance(other);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    List<Recorded> puts = broker.exactly("PUT", other.prefix() + instancePath(i));
    assertEquals(1, puts.size(), "the remembered version is used at once");
    assertEquals("2.14", puts.get(0).header("X-Broker-API-Version"));
    // Other brokers are unaffected.
    ServiceInstance mine = newInstance();
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, mine));
    eventually().until(() -> has(mine, Operation.PROVISION, Outcome.SUCCEEDED));
    assertEquals("2.17", broker.exactly("PUT", instancePath(mine)).get(0).header("X-Broker-API-Version"));
  }

  @Inject
  OsbClient osbClient;

  @Test
  void theAcceptedVersionIsKeptInTheTableSoARestartDoesNotNegotiateAgain() {
    OtherBroker other = otherBroker();
    broker.acceptedVersions.put(other.prefix(), List.of("2.13"));
    other.broker().getStatus().reconciledGeneration = null;
    catalogApi.put(other.broker());
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, other.broker()));
    eventually().until(() -> has(other.broker(), Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    assertEquals(List.of("2.17", "2.16", "2.15", "2.14", "2.13"),
        catalogCalls(other.prefix()).stream().map(r -> r.header("X-Broker-API-Version")).toList());

    // What a restart does to the process's memory; the table still knows.
    osbClient.forgetRememberedVersions();
    ServiceInstance i = newInstance(other);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    List<Recorded> puts = broker.exactly("PUT", other.prefix() + instancePath(i));
    assertEquals(List.of("2.13"), puts.stream().map(r -> r.header("X-Broker-API-Version")).toList(),
        "no 412 round trips after the restart");
    assertEquals("2.13", osbClient.apiVersion("ClusterServiceBroker/" + other.broker().getMetadata().getName()));
  }

  @Test
  void bearerAuthFromASecretThatChangesIsReadAgain() {
    OtherBroker other = otherBroker();
    String secretName = "bearer-" + Fixtures.suffix();
    writeSecret(Fixtures.AUTH_NAMESPACE, secretName, Map.of("token", "token-one"));
    other.broker().getSpec().authInfo = new ServiceBrokerAuthInfo();
    other.broker().getSpec().authInfo.bearer = new ServiceBrokerAuthInfo.SecretAuth();
    other.broker().getSpec().authInfo.bearer.secretRef = new ObjectReference(Fixtures.AUTH_NAMESPACE, secretName);
    other.broker().getStatus().reconciledGeneration = null;
    catalogApi.put(other.broker());
    broker.bearerTokens.put(other.prefix(), "token-one");
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, other.broker()));
    eventually().until(() -> has(other.broker(), Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    assertEquals("Bearer token-one", catalogCalls(other.prefix()).get(0).header("Authorization"));

    // The token is rotated in the Secret and at the broker; a relist (relistRequests + 1).
    writeSecret(Fixtures.AUTH_NAMESPACE, secretName, Map.of("token", "token-two"));
    broker.bearerTokens.put(other.prefix(), "token-two");
    other.broker().getMetadata().setGeneration(2L);
    other.broker().getSpec().relistRequests = 1L;
    catalogApi.put(other.broker());
    TestTopics.send(Fixtures.modified(other.broker()));
    eventually().until(() -> TestTopics.results(uid(other.broker())).stream()
        .anyMatch(r -> r.outcome == Outcome.SUCCEEDED && r.generation == 2L));
    List<Recorded> calls = catalogCalls(other.prefix());
    assertEquals("Bearer token-two", calls.get(calls.size() - 1).header("Authorization"));
  }

  @Test
  void aBrokersOwnRequestTimeoutApplies() {
    OtherBroker other = otherBroker();
    other.broker().getMetadata().setAnnotations(Map.of("servicecatalog.k8s.io/osb-request-timeout", "1s"));
    other.broker().getStatus().reconciledGeneration = null;
    catalogApi.put(other.broker());
    broker.program("catalog" + other.prefix(), "GET", "", Reply.of(200, broker.catalogBody).delayed(1600));
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, other.broker()));
    eventually().until(() -> has(other.broker(), Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    OperationResult failed = last(other.broker(), Operation.FETCH_CATALOG, Outcome.FAILED);
    assertNotNull(failed, "1.6 s is within the default 3 s, not within the broker's 1 s");
    assertTrue(failed.message.contains("no answer within 1s"), failed.message);
  }

  @Test
  void aNamespacedServiceBrokerUsesTheSecretOfItsNamespace() {
    String name = "nsbroker-" + Fixtures.suffix();
    writeSecret(Fixtures.NAMESPACE, "my-broker-auth", Map.of("username", FakeBroker.USER, "password", FakeBroker.PASSWORD));
    ServiceBroker b = new ServiceBroker();
    b.getMetadata().setNamespace(Fixtures.NAMESPACE);
    b.getMetadata().setName(name);
    b.getMetadata().setUid(UUID.randomUUID().toString());
    b.getMetadata().setGeneration(1L);
    b.setSpec(new ServiceBrokerSpec());
    b.getSpec().url = broker.url() + "/b-" + name;
    b.getSpec().authInfo = new ServiceBrokerAuthInfo();
    b.getSpec().authInfo.basic = new ServiceBrokerAuthInfo.SecretAuth();
    b.getSpec().authInfo.basic.secretRef = new ObjectReference(null, "my-broker-auth");
    b.setStatus(new ServiceBrokerStatus());
    catalogApi.put(b);
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, b));

    eventually().until(() -> has(b, Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    OperationResult r = last(b, Operation.FETCH_CATALOG, Outcome.SUCCEEDED);
    assertEquals("ServiceBroker", r.kind);
    assertEquals(Fixtures.NAMESPACE, r.namespace);
    assertEquals("svc-1", r.catalog.at("/services/0/id").asText());
  }

  @Test
  void catalogRestrictionsFilterClassesThenPlansBeforeTheCatalogIsPublished() {
    OtherBroker other = otherBroker();
    broker.catalogs.put(other.prefix(), "{\"services\":["
        + "{\"id\":\"s-maria\",\"name\":\"mariadb\",\"description\":\"d\",\"bindable\":true,\"plans\":["
        + "  {\"id\":\"p-small\",\"name\":\"small\",\"description\":\"d\"},"
        + "  {\"id\":\"p-big\",\"name\":\"big\",\"description\":\"d\",\"free\":false}]},"
        + "{\"id\":\"s-pg\",\"name\":\"postgres\",\"description\":\"d\",\"bindable\":true,\"plans\":["
        + "  {\"id\":\"p-pg\",\"name\":\"small\",\"description\":\"d\"}]},"
        + "{\"id\":\"s-redis\",\"name\":\"redis\",\"description\":\"d\",\"bindable\":true,\"plans\":["
        + "  {\"id\":\"p-redis\",\"name\":\"huge\",\"description\":\"d\",\"free\":false}]}]}");
    other.broker().getSpec().catalogRestrictions = new CatalogRestrictions();
    other.broker().getSpec().catalogRestrictions.serviceClass = List.of("spec.externalName in (mariadb, redis)");
    other.broker().getSpec().catalogRestrictions.servicePlan = List.of("spec.free==true,spec.externalName!=tiny");
    other.broker().getStatus().reconciledGeneration = null;
    catalogApi.put(other.broker());
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, other.broker()));

    eventually().until(() -> has(other.broker(), Operation.FETCH_CATALOG, Outcome.SUCCEEDED));
    OperationResult r = last(other.broker(), Operation.FETCH_CATALOG, Outcome.SUCCEEDED);
    JsonNode services = r.catalog.get("services");
    assertEquals(1, services.size(), "postgres filtered out by class, redis left without plans");
    assertEquals("mariadb", services.get(0).get("name").asText());
    assertEquals(1, services.get(0).get("plans").size());
    assertEquals("p-small", services.get(0).at("/plans/0/id").asText());
    assertTrue(r.message.contains("catalogRestrictions applied by broker-gateway: 1 of 3 classes and 1 of 4 plans kept"), r.message);
  }

  @Test
  void anInvalidRestrictionFailsTheFetchClearly() {
    OtherBroker other = otherBroker();
    other.broker().getSpec().catalogRestrictions = new CatalogRestrictions();
    other.broker().getSpec().catalogRestrictions.serviceClass = List.of("spec.color==blue");
    other.broker().getStatus().reconciledGeneration = null;
    catalogApi.put(other.broker());
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, other.broker()));
    eventually().until(() -> has(other.broker(), Operation.FETCH_CATALOG, Outcome.FAILED));
    OperationResult failed = last(other.broker(), Operation.FETCH_CATALOG, Outcome.FAILED);
    assertEquals(Reasons.ERROR_FETCHING_CATALOG, failed.reason);
    assertTrue(failed.message.contains("unknown property \"spec.color\""), failed.message);
  }

  @Test
  void everyCallIsAnAuditEventWithIdsButNoBodies() throws Exception {
    ServiceInstance i = newInstance();
    TestTopics.send(Fixtures.event(ResourceEvent.Type.ADDED, i));
    eventually().until(() -> has(i, Operation.PROVISION, Outcome.SUCCEEDED));
    eventually().until(() -> !TestTopics.auditRecords(uid(i)).isEmpty());
    ConsumerRecord<String, String> record = TestTopics.auditRecords(uid(i)).get(0);
    assertFalse(record.value().contains("utf8mb4"), "no parameter values");
    assertFalse(record.value().contains(FakeBroker.PASSWORD));
    JsonNode event = Json.MAPPER.readTree(record.value());
    assertEquals("1.0", event.get("specversion").asText());
    assertEquals("io.servicecatalog.osb.call", event.get("type").asText());
    assertEquals("broker-gateway", event.get("source").asText());
    JsonNode data = event.get("data");
    assertEquals(brokerResource.getMetadata().getName(), data.get("broker").asText());
    assertEquals("ProvisionInstance", data.get("operation").asText());
    assertEquals("PUT", data.get("method").asText());
    assertEquals(instancePath(i), data.get("path").asText());
    assertEquals(201, data.get("httpStatus").asInt());
    assertEquals(broker.exactly("PUT", instancePath(i)).get(0).header("X-Broker-API-Request-Identity"), data.get("requestIdentity").asText());
    assertTrue(data.get("durationMs").asLong() >= 0);
  }

  private void writeSecret(String namespace, String name, Map<String, String> values) {
    Map<String, String> data = new java.util.HashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    kube.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .endMetadata().withData(data).build()).createOr(x -> x.update());
  }
}
