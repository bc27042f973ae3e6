package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Every write and every outcome leaves a CloudEvent on servicecatalog.audit, in order, without secrets. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class AuditTrailTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";

  @Test
  void instanceLifecycleAuditTrail() throws Exception {
    String ns = "audit-" + UUID.randomUUID().toString().substring(0, 6);
    readyBrokerOfferingSvc(ns, "ab-" + ns);
    String uid = given().contentType(ContentType.JSON).header("X-Remote-User", "alice")
        .body("{\"metadata\":{\"name\":\"db\"},\"spec\":{\"clusterServiceClassExternalName\":\"svc-" + ns
            + "\",\"parameters\":{\"adminPassword\":\"hunter2-not-in-audit\"}}}")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201).extract().path("metadata.uid");
    OperationResult provisioned = OperationResult.about("broker-gateway", "ServiceInstance", ns, "db", uid, 1L)
        .op(Operation.PROVISION, Outcome.SUCCEEDED, "ProvisionedSuccessfully", null);
    provisioned.requestIdentity = UUID.randomUUID().toString();
    publish(provisioned);
    await().atMost(Duration.ofSeconds(20)).until(() -> "Provisioned".equals(given()
        .get(API + "/namespaces/" + ns + "/serviceinstances/db").then().extract().path("status.provisionStatus")));
    given().header("X-Remote-User", "bob").delete(API + "/namespaces/" + ns + "/serviceinstances/db").then().statusCode(200);
    publish(OperationResult.about("broker-gateway", "ServiceInstance", ns, "db", uid, 1L)
        .op(Operation.DEPROVISION, Outcome.SUCCEEDED, "DeprovisionedSuccessfully", null));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        given().get(API + "/namespaces/" + ns + "/serviceinstances/db").then().extract().statusCode() == 404);

    List<JsonNode> trail = new ArrayList<>();
    Properties c = new Properties();
    c.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    c.put("group.id", "audit-" + UUID.randomUUID());
    c.put("auto.offset.reset", "earliest");
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.AUDIT));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          assertFalse(r.value().contains("hunter2"), "a parameter value reached the audit trail");
          if (uid.equals(r.key())) {
            trail.add(Json.MAPPER.readTree(r.value()));
          }
        }
        return trail.stream().anyMatch(e -> e.get("type").asText().endsWith(".deleted"));
      });
    }
    List<String> types = trail.stream().map(e -> e.get("type").asText()).toList();
    assertEquals("io.servicecatalog.instance.created", types.get(0), types.toString());
    assertTrue(types.indexOf("io.servicecatalog.instance.provisioned") > 0, types.toString());
    assertTrue(types.indexOf("io.servicecatalog.instance.deletion-requested")
        > types.indexOf("io.servicecatalog.instance.provisioned"), types.toString());
    assertTrue(types.indexOf("io.servicecatalog.instance.deprovisioned")
        > types.indexOf("io.servicecatalog.instance.deletion-requested"), types.toString());
    assertEquals("io.servicecatalog.instance.deleted", types.get(types.size() - 1), types.toString());
    JsonNode created = trail.get(0);
    assertEquals("1.0", created.get("specversion").asText());
    assertEquals("namespaces/" + ns + "/serviceinstances/db", created.get("subject").asText());
    assertEquals("alice", created.at("/data/user/username").asText());
    JsonNode deletion = trail.stream().filter(e -> e.get("type").asText().endsWith("deletion-requested")).findFirst().orElseThrow();
    assertEquals("bob", deletion.at("/data/user/username").asText());
    JsonNode prov = trail.stream().filter(e -> e.get("type").asText().endsWith(".provisioned")).findFirst().orElseThrow();
    assertEquals(provisioned.requestIdentity, prov.at("/data/requestIdentity").asText());
    assertEquals("system:servicecatalog:broker-gateway", prov.at("/data/user/username").asText());
  }

  /** credential-injector confirms a deleted Secret once per event it sees; only the first is a change. */
  @Test
  void repeatedSecretDeletionConfirmationsAreAuditedOnce() throws Exception {
    String ns = "sdel-" + UUID.randomUUID().toString().substring(0, 6);
    readyBrokerOfferingSvc(ns, "sb-" + ns);
    String instanceUid = given().contentType(ContentType.JSON).header("X-Remote-User", "alice")
        .body("{\"metadata\":{\"name\":\"db\"},\"spec\":{\"clusterServiceClassExternalName\":\"svc-" + ns + "\"}}")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201).extract().path("metadata.uid");
    publish(OperationResult.about("broker-gateway", "ServiceInstance", ns, "db", instanceUid, 1L)
        .op(Operation.PROVISION, Outcome.SUCCEEDED, "ProvisionedSuccessfully", null));
    await().atMost(Duration.ofSeconds(20)).until(() -> "Provisioned".equals(given()
        .get(API + "/namespaces/" + ns + "/serviceinstances/db").then().extract().path("status.provisionStatus")));
    String uid = given().contentType(ContentType.JSON).header("X-Remote-User", "alice")
        .body("{\"metadata\":{\"name\":\"b\"},\"spec\":{\"instanceRef\":{\"name\":\"db\"},\"secretName\":\"b-s\"}}")
        .post(API + "/namespaces/" + ns + "/servicebindings").then().statusCode(201).extract().path("metadata.uid");
    String path = API + "/namespaces/" + ns + "/servicebindings/b";
    publish(OperationResult.about("broker-gateway", "ServiceBinding", ns, "b", uid, 1L)
        .op(Operation.BIND, Outcome.SUCCEEDED, "InjectingBindResult", null));
    OperationResult injected = OperationResult.about("credential-injector", "ServiceBinding", ns, "b", uid, 1L)
        .op(Operation.INJECT_SECRET, Outcome.SUCCEEDED, "InjectedBindResult", null);
    injected.secretName = "b-s";
    publish(injected);
    await().atMost(Duration.ofSeconds(20)).until(() -> "b-s".equals(given().get(path).then().extract().path("status.binding.name")));

    given().header("X-Remote-User", "alice").delete(path).then().statusCode(200);
    for (int i = 0; i < 3; i++) {
      publish(OperationResult.about("credential-injector", "ServiceBinding", ns, "b", uid, 1L)
          .op(Operation.DELETE_SECRET, Outcome.SUCCEEDED, "CredentialsSecretDeleted", null));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> "UnbindingRequestInFlight".equals(
        given().get(path).then().extract().path("status.conditions[0].reason")));
    publish(OperationResult.about("broker-gateway", "ServiceBinding", ns, "b", uid, 1L)
        .op(Operation.UNBIND, Outcome.SUCCEEDED, "UnboundSuccessfully", null));
    await().atMost(Duration.ofSeconds(20)).until(() -> given().get(path).then().extract().statusCode() == 404);

    List<String> types = new ArrayList<>();
    Properties c = new Properties();
    c.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    c.put("group.id", "sdel-" + UUID.randomUUID());
    c.put("auto.offset.reset", "earliest");
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.AUDIT));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          if (uid.equals(r.key())) {
            types.add(Json.MAPPER.readTree(r.value()).get("type").asText());
          }
        }
        return types.contains("io.servicecatalog.binding.deleted");
      });
    }
    assertEquals(1, types.stream().filter("io.servicecatalog.binding.secret-deleted"::equals).count(), types.toString());
    assertTrue(types.indexOf("io.servicecatalog.binding.secret-deleted") < types.indexOf("io.servicecatalog.binding.unbound"),
        types.toString());
  }

  @Test
  void refusedWritesAreAuditedWithWhoAndWhy() throws Exception {
    String ns = "refused-" + UUID.randomUUID().toString().substring(0, 6);
    given().contentType(ContentType.JSON).header("X-Remote-User", "mallory")
        .body("{\"metadata\":{\"name\":\"Bad_Name\"},\"spec\":{}}")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(422);
    Properties c = new Properties();
    c.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    c.put("group.id", "refused-" + UUID.randomUUID());
    c.put("auto.offset.reset", "earliest");
    List<JsonNode> refused = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.AUDIT));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          JsonNode e = Json.MAPPER.readTree(r.value());
          if (e.get("type").asText().equals("io.servicecatalog.instance.write-refused")
              && ns.equals(e.at("/data/namespace").asText())) {
            refused.add(e);
          }
        }
        return !refused.isEmpty();
      });
    }
    JsonNode e = refused.get(0);
    assertEquals("mallory", e.at("/data/user/username").asText());
    assertEquals("Failure", e.at("/data/result").asText());
    assertEquals(422, e.at("/data/code").asInt());
    assertEquals("Invalid", e.at("/data/reason").asText());
    assertEquals("post", e.at("/data/verb").asText());
  }

  /** A cluster broker whose catalog (as broker-gateway would report it) offers class "svc-&lt;ns&gt;", Ready. */
  static void readyBrokerOfferingSvc(String ns, String broker) throws Exception {
    String brokerUid = given().contentType(ContentType.JSON).header("X-Remote-User", "admin")
        .body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201).extract().path("metadata.uid");
    OperationResult fetched = OperationResult.about("broker-gateway", "ClusterServiceBroker", null, broker, brokerUid, 1L)
        .op(Operation.FETCH_CATALOG, Outcome.SUCCEEDED, "FetchedCatalog", null);
    fetched.catalog = Json.MAPPER.readTree("""
        {"services":[{"id":"%s","name":"svc-%s","description":"d","bindable":true,
          "plans":[{"id":"%s","name":"p","description":"d"}]}]}""".formatted(UUID.randomUUID(), ns, UUID.randomUUID()));
    publish(fetched);
    await().atMost(Duration.ofSeconds(20)).until(() -> "True".equals(given().get(API + "/clusterservicebrokers/" + broker)
        .then().extract().path("status.conditions[0].status")));
  }

  static void publish(OperationResult r) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.RESULTS, r.uid, Json.MAPPER.writeValueAsString(r))).get();
    }
  }
}
