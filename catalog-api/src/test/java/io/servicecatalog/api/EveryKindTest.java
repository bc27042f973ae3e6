package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** create, get, list, update, patch, delete through REST for each of the eight kinds. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class EveryKindTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("clusterservicebrokers", null, "{\"url\":\"http://127.0.0.1:1\"}"),
        Arguments.of("servicebrokers", "ns-brokers", "{\"url\":\"http://127.0.0.1:1\"}"),
        Arguments.of("clusterserviceclasses", null,
            "{\"clusterServiceBrokerName\":\"b\",\"externalName\":\"c\",\"externalID\":\"" + UUID.randomUUID() + "\"}"),
        Arguments.of("serviceclasses", "ns-classes",
            "{\"serviceBrokerName\":\"b\",\"externalName\":\"c\",\"externalID\":\"" + UUID.randomUUID() + "\"}"),
        Arguments.of("clusterserviceplans", null, "{\"clusterServiceBrokerName\":\"b\",\"externalName\":\"p\",\"externalID\":\""
            + UUID.randomUUID() + "\",\"clusterServiceClassRef\":{\"name\":\"c\"}}"),
        Arguments.of("serviceplans", "ns-plans", "{\"serviceBrokerName\":\"b\",\"externalName\":\"p\",\"externalID\":\""
            + UUID.randomUUID() + "\",\"serviceClassRef\":{\"name\":\"c\"}}"),
        Arguments.of("serviceinstances", "ns-instances",
            "{\"clusterServiceClassExternalName\":\"c\",\"clusterServicePlanExternalName\":\"p\"}"),
        Arguments.of("servicebindings", "ns-bindings", "{\"instanceRef\":{\"name\":\"i\"}}"));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void fullVerbSet(String plural, String ns, String spec) {
    String path = API + (ns == null ? "" : "/namespaces/" + ns) + "/" + plural;
    String name = "k-" + UUID.randomUUID().toString().substring(0, 8);
    String rv = given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}")
        .post(path).then().statusCode(201).body("metadata.uid", notNullValue())
        .body("metadata.generation", equalTo(1)).extract().path("metadata.resourceVersion");
    given().get(path + "/" + name).then().statusCode(200).body("metadata.name", equalTo(name));
    given().get(path).then().statusCode(200).body("items.metadata.name", hasItem(name));
    var current = given().get(path + "/" + name).then().extract().jsonPath();
    var obj = Json.MAPPER.valueToTree(current.getMap(""));
    ((com.fasterxml.jackson.databind.node.ObjectNode) obj.get("metadata")).putObject("annotations").put("put", "yes");
    given().contentType(ContentType.JSON).body(obj.toString()).put(path + "/" + name)
        .then().statusCode(200).body("metadata.annotations.put", equalTo("yes"));
    given().contentType(ContentType.JSON).body(obj.toString()).put(path + "/" + name)
        .then().statusCode(409);
    given().contentType("application/merge-patch+json").body("{\"metadata\":{\"labels\":{\"p\":\"1\"}}}")
        .patch(path + "/" + name).then().statusCode(200).body("metadata.labels.p", equalTo("1"));
    given().delete(path + "/" + name).then().statusCode(200);
    // brokers, classes, plans go at once; instances and bindings with nothing at the broker too
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        given().get(path + "/" + name).then().statusCode(404));
    given().delete(path + "/" + name).then().statusCode(404).body("reason", equalTo("NotFound"));
    assert rv != null;
  }

  @Test
  void namespacedBrokerCatalogAndInstances() throws Exception {
    String ns = "team-" + UUID.randomUUID().toString().substring(0, 6);
    String uid = given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"nsb"},"spec":{"url":"http://127.0.0.1:1","authInfo":{"basic":{"secretRef":{"name":"auth"}}}}}""")
        .post(API + "/namespaces/" + ns + "/servicebrokers").then().statusCode(201).extract().path("metadata.uid");
    String svc = UUID.randomUUID().toString();
    String plan = UUID.randomUUID().toString();
    OperationResult r = OperationResult.about("test", "ServiceBroker", ns, "nsb", uid, 1L)
        .op(OperationResult.Operation.FETCH_CATALOG, OperationResult.Outcome.SUCCEEDED, null, null);
    r.catalog = Json.MAPPER.readTree("""
        {"services":[{"id":"%s","name":"redis","description":"d","bindable":true,"plan_updateable":true,
          "plans":[{"id":"%s","name":"tiny","description":"d"}]}]}""".formatted(svc, plan));
    Properties p = new Properties();
    p.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.RESULTS, uid, Json.MAPPER.writeValueAsString(r))).get();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/serviceplans/" + plan).then().statusCode(200)
            .body("spec.serviceBrokerName", equalTo("nsb")).body("spec.serviceClassRef.name", equalTo(svc)));
    given().get(API + "/namespaces/" + ns + "/serviceclasses/" + svc).then().statusCode(200)
        .body("spec.externalName", equalTo("redis"));
    given().get(API + "/serviceclasses").then().body("items.metadata.namespace", hasItem(ns));
    given().get(API + "/clusterserviceclasses/" + svc).then().statusCode(404);
    // an instance in that namespace resolves the namespaced class, with the one plan as default
    given().contentType(ContentType.JSON).body("{\"metadata\":{\"name\":\"cache\"},\"spec\":{\"serviceClassExternalName\":\"redis\"}}")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201)
        .body("spec.serviceClassRef.name", equalTo(svc)).body("spec.servicePlanRef.name", equalTo(plan))
        .body("status.userSpecifiedClassName", equalTo("ServiceClass/redis"))
        .body("status.inProgressProperties.servicePlanExternalID", equalTo(plan));
    // not from another namespace
    given().contentType(ContentType.JSON).body("{\"metadata\":{\"name\":\"cache\"},\"spec\":{\"serviceClassExternalName\":\"redis\",\"servicePlanExternalName\":\"tiny\"}}")
        .post(API + "/namespaces/elsewhere-" + ns + "/serviceinstances").then().statusCode(201)
        .body("status.conditions[0].reason", equalTo("ReferencesNonexistentServiceClass"));
    given().delete(API + "/namespaces/" + ns + "/servicebrokers/nsb").then().statusCode(200);
    given().get(API + "/namespaces/" + ns + "/serviceplans/" + plan).then().statusCode(404);
    given().get(API + "/namespaces/" + ns + "/serviceclasses/" + svc).then().statusCode(404);
  }
}
