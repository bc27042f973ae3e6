package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

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
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Spec changes of a provisioned instance: plan_updateable, and changes queued behind one in flight. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class InstanceUpdateTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";

  static void publish(OperationResult r) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.RESULTS, r.uid, Json.MAPPER.writeValueAsString(r))).get();
    }
  }

  /** A broker with class svc (plan_updateable as given) and plans a (updatable as given) and b. */
  static void catalog(String broker, String svc, Boolean classUpdatable, Boolean planAUpdatable) throws Exception {
    String uid = given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201).extract().path("metadata.uid");
    OperationResult r = OperationResult.about("test", "ClusterServiceBroker", null, broker, uid, 1L)
        .op(Operation.FETCH_CATALOG, Outcome.SUCCEEDED, null, null);
    r.catalog = Json.MAPPER.readTree("""
        {"services":[{"id":"%s","name":"%s","description":"d","bindable":true%s,
          "plans":[{"id":"%s","name":"a","description":"d"%s},{"id":"%s","name":"b","description":"d"}]}]}"""
        .formatted(UUID.randomUUID(), svc, classUpdatable == null ? "" : ",\"plan_updateable\":" + classUpdatable,
            UUID.randomUUID(), planAUpdatable == null ? "" : ",\"plan_updateable\":" + planAUpdatable, UUID.randomUUID()));
    publish(r);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/clusterservicebrokers/" + broker).then().body("status.conditions[0].status", equalTo("True")));
  }

  static String provisioned(String ns, String name, String svc) throws Exception {
    String uid = given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"%s"},"spec":{"clusterServiceClassExternalName":"%s","clusterServicePlanExternalName":"a",
         "parameters":{"size":1}}}""".formatted(name, svc))
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201).extract().path("metadata.uid");
    publish(OperationResult.about("test", "ServiceInstance", ns, name, uid, 1L)
        .op(Operation.PROVISION, Outcome.SUCCEEDED, null, null));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        given().get(API + "/namespaces/" + ns + "/serviceinstances/" + name).then()
            .body("status.provisionStatus", equalTo("Provisioned")));
    return uid;
  }

  @Test
  void planChangesFollowPlanUpdateablePlanLevelFirst() throws Exception {
    String ns = "upd-" + UUID.randomUUID().toString().substring(0, 6);
    String s1 = "svc1-" + ns;
    catalog("b1-" + ns, s1, true, false); // class allows, plan a forbids: the plan wins
    provisioned(ns, "i1", s1);
    given().contentType("application/merge-patch+json").body("{\"spec\":{\"clusterServicePlanExternalName\":\"b\"}}")
        .patch(API + "/namespaces/" + ns + "/serviceinstances/i1").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.clusterServicePlanExternalName"));
    String s2 = "svc2-" + ns;
    catalog("b2-" + ns, s2, true, null); // plan silent: the class allows
    provisioned(ns, "i2", s2);
    given().contentType("application/merge-patch+json").body("{\"spec\":{\"clusterServicePlanExternalName\":\"b\"}}")
        .patch(API + "/namespaces/" + ns + "/serviceinstances/i2").then().statusCode(200)
        .body("metadata.generation", equalTo(2))
        .body("status.currentOperation", equalTo("Update"));
    given().contentType("application/merge-patch+json").body("{\"spec\":{\"clusterServicePlanExternalName\":\"zzz\"}}")
        .patch(API + "/namespaces/" + ns + "/serviceinstances/i2").then().statusCode(422);
  }

  @Test
  void aChangeDuringAnUpdateIsQueuedNotLost() throws Exception {
    String ns = "q-" + UUID.randomUUID().toString().substring(0, 6);
    String svc = "svcq-" + ns;
    catalog("bq-" + ns, svc, true, true);
    String uid = provisioned(ns, "i", svc);
    String path = API + "/namespaces/" + ns + "/serviceinstances/i";
    given().contentType("application/merge-patch+json").body("{\"spec\":{\"parameters\":{\"size\":2}}}")
        .patch(path).then().statusCode(200).body("metadata.generation", equalTo(2))
        .body("status.inProgressProperties.parameters.size", equalTo(2));
    // a second change while generation 2 is with the broker
    given().contentType("application/merge-patch+json").body("{\"spec\":{\"parameters\":{\"size\":3}}}")
        .patch(path).then().statusCode(200).body("metadata.generation", equalTo(3));
    publish(OperationResult.about("test", "ServiceInstance", ns, "i", uid, 2L)
        .op(Operation.UPDATE, Outcome.SUCCEEDED, null, null));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get(path).then()
        .body("status.observedGeneration", equalTo(2))
        .body("status.currentOperation", equalTo("Update"))
        .body("status.inProgressProperties.parameters.size", equalTo(3))
        .body("status.conditions.find { it.type == 'Ready' }.status", equalTo("False")));
    publish(OperationResult.about("test", "ServiceInstance", ns, "i", uid, 3L)
        .op(Operation.UPDATE, Outcome.SUCCEEDED, null, null));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get(path).then()
        .body("status.observedGeneration", equalTo(3))
        .body("status.externalProperties.parameters.size", equalTo(3))
        .body("status.conditions.find { it.type == 'Ready' }.reason", equalTo("InstanceUpdatedSuccessfully")));
  }

  @Test
  void abandonLetsGoOfAnInstanceWhoseBrokerIsGone() throws Exception {
    String ns = "ab-" + UUID.randomUUID().toString().substring(0, 6);
    String svc = "svca-" + ns;
    catalog("ba-" + ns, svc, false, null);
    provisioned(ns, "stuck", svc);
    String path = API + "/namespaces/" + ns + "/serviceinstances/stuck";
    given().delete(path).then().statusCode(200);
    // nobody deprovisions it (no gateway here): it waits on the catalog's finalizer
    given().get(path).then().statusCode(200).body("metadata.finalizers", hasItem("kubernetes-incubator/service-catalog"));
    given().contentType("application/merge-patch+json")
        .body("{\"metadata\":{\"annotations\":{\"servicecatalog.k8s.io/abandon\":\"true\"}}}")
        .patch(path).then().statusCode(200);
    given().get(path).then().statusCode(404);
  }
}
