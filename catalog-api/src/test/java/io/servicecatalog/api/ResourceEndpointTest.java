package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * catalog-api on its own, against real PostgreSQL and Kafka: the REST surface, the outbox's
 * events, and status driven by results as broker-gateway and credential-injector publish them.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class ResourceEndpointTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";
  static KafkaProducer<String, String> producer;
  static KafkaConsumer<String, String> consumer;
  static final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

  @BeforeAll
  static void kafkaClients() {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    Properties c = new Properties();
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", "test-" + UUID.randomUUID());
    c.put("auto.offset.reset", "earliest");
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(Topics.RESOURCES));
  }

  @AfterAll
  static void close() {
    producer.close();
    consumer.close();
  }

  @Test
  void badInputIsRefusedWithAStatusNamingTheFieldAndNothingIsStored() {
    given().contentType(ContentType.JSON).body("{\"apiVersion\": ")
        .post(API + "/clusterservicebrokers")
        .then().statusCode(400).body("kind", equalTo("Status")).body("reason", equalTo("BadRequest"))
        .body("message", containsString("not valid JSON"));

    given().contentType(ContentType.JSON).body("{}")
        .post(API + "/widgets")
        .then().statusCode(404).body("kind", equalTo("Status")).body("message", containsString("widgets"));

    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"no-plan\"},\"spec\":{\"parameters\":{\"a\":1}}}")
        .post(API + "/namespaces/default/serviceinstances")
        .then().statusCode(422).body("reason", equalTo("Invalid"))
        .body("details.causes.field", hasItem("spec.clusterServiceClassExternalName"));

    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"Not_DNS\"},\"spec\":{\"url\":\"http://x\"}}")
        .post(API + "/clusterservicebrokers")
        .then().statusCode(422).body("details.causes.field", hasItem("metadata.name"))
        .body("details.kind", equalTo("ClusterServiceBroker"));

    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"no-url\"},\"spec\":{\"url\":\"not a url\"}}")
        .post(API + "/clusterservicebrokers")
        .then().statusCode(422).body("details.causes.field", hasItem("spec.url"));

    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"wrong-type\"},\"spec\":{\"url\":{\"nested\":true}}}")
        .post(API + "/clusterservicebrokers")
        .then().statusCode(422).body("details.causes.field", hasItem("spec.url"));

    given().get(API + "/clusterservicebrokers/no-url").then().statusCode(404).body("reason", equalTo("NotFound"));
    given().get(API + "/namespaces/default/serviceinstances/no-plan").then().statusCode(404);
  }

  @Test
  void walkthroughLifecycleDrivenByResults() {
    String broker = "b-" + UUID.randomUUID().toString().substring(0, 8);
    String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    // Registered as YAML, the way the original's examples are written.
    String yaml = """
        apiVersion: servicecatalog.k8s.io/v1beta1
        kind: ClusterServiceBroker
        metadata:
          name: %s
        spec:
          url: http://127.0.0.1:8090
          authInfo:
            basic:
              secretRef:
                namespace: default
                name: mariadb-broker-auth
        """.formatted(broker);
    String brokerUid = given().contentType("application/yaml").body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post(API + "/clusterservicebrokers")
        .then().statusCode(201)
        .body("metadata.uid", notNullValue())
        .body("spec.relistBehavior", equalTo("Duration"))
        .body("status.conditions[0].reason", equalTo("FetchingCatalog"))
        .extract().path("metadata.uid");
    given().contentType(ContentType.JSON).body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://x\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(409).body("reason", equalTo("AlreadyExists"));

    awaitEvent(brokerUid, ResourceEvent.Type.ADDED);

    String serviceId = UUID.randomUUID().toString();
    String planId = UUID.randomUUID().toString();
    String catalog = """
        {"services":[{"id":"%s","name":"mariadb-%s","description":"MariaDB","bindable":true,
          "plans":[{"id":"%s","name":"small","description":"small db","free":true},
                   {"id":"%s","name":"async","description":"async db"}]}]}
        """.formatted(serviceId, broker, planId, UUID.randomUUID());
    OperationResult fetched = result("ClusterServiceBroker", null, broker, brokerUid, 1L,
        Operation.FETCH_CATALOG, Outcome.SUCCEEDED);
    fetched.catalog = json(catalog);
    publish(fetched);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/clusterservicebrokers/" + broker).then()
            .body("status.conditions.find { it.type == 'Ready' }.status", equalTo("True"))
            .body("status.reconciledGeneration", equalTo(1)));
    JsonPath plans = given().get(API + "/clusterserviceplans").then().statusCode(200).extract().jsonPath();
    assertEquals(2, plans.getList("items.findAll { it.spec.clusterServiceBrokerName == '" + broker + "' }").size());
    given().get(API + "/clusterserviceclasses/" + serviceId).then().statusCode(200)
        .body("spec.externalName", equalTo("mariadb-" + broker))
        .body("metadata.ownerReferences[0].uid", equalTo(brokerUid));

    // Instance by external names: resolved to the objects above.
    String instanceUid = given().contentType(ContentType.JSON).body("""
        {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
         "metadata":{"name":"db"},
         "spec":{"clusterServiceClassExternalName":"mariadb-%s","clusterServicePlanExternalName":"small",
                 "parameters":{"charset":"utf8mb4"}}}""".formatted(broker))
        .post(API + "/namespaces/" + ns + "/serviceinstances")
        .then().statusCode(201)
        .body("spec.clusterServicePlanRef.name", equalTo(planId))
        .body("spec.externalID", notNullValue())
        .body("status.deprovisionStatus", equalTo("Required"))
        .body("status.inProgressProperties.parameterChecksum", notNullValue())
        .body("metadata.finalizers", hasItem("kubernetes-incubator/service-catalog"))
        .extract().path("metadata.uid");

    // A binding made before the instance is Ready waits for it.
    String bindingUid = given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"db-binding"},"spec":{"instanceRef":{"name":"db"},"secretName":"db-credentials"}}""")
        .post(API + "/namespaces/" + ns + "/servicebindings")
        .then().statusCode(201)
        .body("status.conditions[0].reason", equalTo("ErrorInstanceNotReady"))
        .extract().path("metadata.uid");

    publish(result("ServiceInstance", ns, "db", instanceUid, 1L, Operation.PROVISION, Outcome.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/serviceinstances/db").then()
            .body("status.provisionStatus", equalTo("Provisioned"))
            .body("status.conditions.find { it.type == 'Ready' }.status", equalTo("True")));
    // ...and is woken up once it is.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/db-binding").then()
            .body("status.conditions[0].reason", equalTo("BindingRequestInFlight")));

    publish(result("ServiceBinding", ns, "db-binding", bindingUid, 1L, Operation.BIND, Outcome.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/db-binding").then()
            .body("status.conditions[0].reason", equalTo("InjectingBindResult")));
    OperationResult injected = result("ServiceBinding", ns, "db-binding", bindingUid, 1L,
        Operation.INJECT_SECRET, Outcome.SUCCEEDED);
    injected.secretName = "db-credentials";
    publish(injected);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/db-binding").then()
            .body("status.conditions[0].status", equalTo("True"))
            .body("status.binding.name", equalTo("db-credentials")));

    // Deleting the instance first: it waits for its binding.
    given().delete(API + "/namespaces/" + ns + "/serviceinstances/db").then().statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue());
    given().get(API + "/namespaces/" + ns + "/serviceinstances/db").then()
        .body("status.conditions.find { it.type == 'Ready' }.reason", equalTo("DeprovisionBlockedByExistingCredentials"));
    given().contentType(ContentType.JSON).body("{\"metadata\":{\"name\":\"late\"},\"spec\":{\"instanceRef\":{\"name\":\"db\"}}}")
        .post(API + "/namespaces/" + ns + "/servicebindings").then().statusCode(403).body("reason", equalTo("Forbidden"));

    given().delete(API + "/namespaces/" + ns + "/servicebindings/db-binding").then().statusCode(200);
    OperationResult secretGone = result("ServiceBinding", ns, "db-binding", bindingUid, 1L,
        Operation.DELETE_SECRET, Outcome.SUCCEEDED);
    publish(secretGone);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/db-binding").then()
            .body("status.conditions[0].reason", equalTo("UnbindingRequestInFlight")));
    publish(result("ServiceBinding", ns, "db-binding", bindingUid, 1L, Operation.UNBIND, Outcome.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/servicebindings/db-binding").then().statusCode(404));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/serviceinstances/db").then()
            .body("status.conditions.find { it.type == 'Ready' }.reason", equalTo("DeprovisionRequestInFlight")));

    publish(result("ServiceInstance", ns, "db", instanceUid, 1L, Operation.DEPROVISION, Outcome.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/serviceinstances/db").then().statusCode(404));
    awaitEvent(instanceUid, ResourceEvent.Type.DELETED);

    given().delete(API + "/clusterservicebrokers/" + broker).then().statusCode(200);
    given().get(API + "/clusterserviceclasses/" + serviceId).then().statusCode(404);
    given().get(API + "/clusterserviceplans/" + planId).then().statusCode(404);
  }

  @Test
  void instanceNamingAClassWithSeveralPlansButNoPlanIsRefused() {
    String broker = "c-" + UUID.randomUUID().toString().substring(0, 8);
    String uid = given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201).extract().path("metadata.uid");
    OperationResult fetched = result("ClusterServiceBroker", null, broker, uid, 1L,
        Operation.FETCH_CATALOG, Outcome.SUCCEEDED);
    fetched.catalog = json("""
        {"services":[{"id":"%s","name":"svc-%s","description":"d","bindable":true,
          "plans":[{"id":"%s","name":"one","description":"d"},{"id":"%s","name":"two","description":"d"}]}]}
        """.formatted(UUID.randomUUID(), broker, UUID.randomUUID(), UUID.randomUUID()));
    publish(fetched);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/clusterservicebrokers/" + broker).then()
            .body("status.conditions[0].status", equalTo("True")));
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"x\"},\"spec\":{\"clusterServiceClassExternalName\":\"svc-" + broker + "\"}}")
        .post(API + "/namespaces/default/serviceinstances")
        .then().statusCode(422).body("details.causes.field", hasItem("spec.clusterServicePlanExternalName"));
    given().get(API + "/namespaces/default/serviceinstances/x").then().statusCode(404);
  }

  // ------------------------------------------------------------- helpers

  private static OperationResult result(String kind, String ns, String name, String uid, Long gen,
      Operation op, Outcome outcome) {
    return OperationResult.about("test", kind, ns, name, uid, gen).op(op, outcome, null, null);
  }

  private static void publish(OperationResult r) {
    try {
      producer.send(new ProducerRecord<>(Topics.RESULTS, r.uid, Json.MAPPER.writeValueAsString(r))).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitEvent(String uid, ResourceEvent.Type type) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
      return seen.stream().anyMatch(r -> {
        if (!uid.equals(r.key())) {
          return false;
        }
        try {
          ResourceEvent e = Json.MAPPER.readValue(r.value(), ResourceEvent.class);
          assertTrue(e.schemaVersion() == ResourceEvent.SCHEMA_VERSION);
          return e.type() == type && uid.equals(e.uid());
        } catch (Exception ex) {
          return false;
        }
      });
    });
  }

}
