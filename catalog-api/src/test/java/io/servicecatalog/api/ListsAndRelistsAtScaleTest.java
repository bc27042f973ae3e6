package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the scale benchmark (bench: scale) measures, held as behaviour: label selectors narrowed in
 * the database still match exactly, cluster-wide pages continue across namespaces, and a relist
 * writes only the plans that changed.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class ListsAndRelistsAtScaleTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";
  static KafkaProducer<String, String> producer;

  @BeforeAll
  static void kafka() {
    Properties p = new Properties();
    p.put("bootstrap.servers", ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  @AfterAll
  static void close() {
    producer.close();
  }

  @Test
  void labelSelectorsNarrowedInTheDatabaseMatchExactlyAcrossPagesAndNamespaces() {
    String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
    String nsA = "a-" + app;
    String nsB = "b-" + app;
    // i0..i5 in two namespaces; tier alternates; i5 has no tier label at all
    for (int i = 0; i < 6; i++) {
      String labels = i == 5 ? "{\"app\":\"%s\"}".formatted(app)
          : "{\"app\":\"%s\",\"tier\":\"%s\"}".formatted(app, i % 2 == 0 ? "web" : "db");
      given().contentType(ContentType.JSON).body("""
          {"metadata":{"name":"i%d","labels":%s},
           "spec":{"clusterServiceClassExternalName":"nothing","clusterServicePlanExternalName":"none"}}"""
              .formatted(i, labels))
          .post(API + "/namespaces/" + (i < 3 ? nsA : nsB) + "/serviceinstances").then().statusCode(201);
    }
    assertEquals(List.of(nsA + "/i0", nsA + "/i1", nsA + "/i2", nsB + "/i3", nsB + "/i4", nsB + "/i5"),
        pageThrough("app=" + app, 1));
    assertEquals(List.of(nsA + "/i0", nsA + "/i2", nsB + "/i4"), pageThrough("app=" + app + ",tier=web", 2));
    assertEquals(List.of(nsA + "/i1", nsB + "/i3"), pageThrough("app in (" + app + "),tier==db", 1));
    // terms the database does not narrow by are still applied
    assertEquals(List.of(nsA + "/i1", nsB + "/i3", nsB + "/i5"), pageThrough("app=" + app + ",tier!=web", 2));
    assertEquals(List.of(nsB + "/i5"), pageThrough("app=" + app + ",!tier", 5));
    assertEquals(List.of(), pageThrough("app=" + app + ",app=other", 5));

    // the labels follow the body: relabelled, the object leaves the selection
    given().contentType("application/merge-patch+json").body("{\"metadata\":{\"labels\":{\"tier\":\"cache\"}}}")
        .patch(API + "/namespaces/" + nsA + "/serviceinstances/i0").then().statusCode(200);
    assertEquals(List.of(nsA + "/i2", nsB + "/i4"), pageThrough("app=" + app + ",tier=web", 1));
    assertEquals(List.of(nsA + "/i0"), pageThrough("app=" + app + ",tier=cache", 1));
  }

  @Test
  void aRelistWritesOnlyThePlansThatChanged() {
    String broker = "scale-" + UUID.randomUUID().toString().substring(0, 8);
    String uid = given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201).extract().path("metadata.uid");
    String serviceId = UUID.randomUUID().toString();
    List<String> planIds = new ArrayList<>();
    for (int p = 0; p < 20; p++) {
      planIds.add(UUID.randomUUID().toString());
    }
    fetched(broker, uid, catalog(serviceId, broker, planIds, -1));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(20, plans(broker).size()));
    Map<String, String> before = plans(broker);
    String classVersion = classVersion(serviceId);

    // the same catalog again: nothing of the catalog is written, the broker's status is
    String brokerVersion = brokerVersion(broker);
    fetched(broker, uid, catalog(serviceId, broker, planIds, -1));
    await().atMost(Duration.ofSeconds(30)).until(() -> !brokerVersion.equals(brokerVersion(broker)));
    assertEquals(before, plans(broker));
    assertEquals(classVersion, classVersion(serviceId));

    // one description changed: that plan alone
    fetched(broker, uid, catalog(serviceId, broker, planIds, 7));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        given().get(API + "/clusterserviceplans/" + planIds.get(7)).then()
            .body("spec.description", equalTo("changed plan 7")));
    Map<String, String> after = plans(broker);
    for (String id : planIds) {
      if (id.equals(planIds.get(7))) {
        assertNotEquals(before.get(id), after.get(id));
      } else {
        assertEquals(before.get(id), after.get(id), "plan " + id + " was rewritten");
      }
    }
    assertEquals(classVersion, classVersion(serviceId));
  }

  // ------------------------------------------------------------- helpers

  /**
   * A list without limit is answered as it is read, in pages of
   * servicecatalog.list.stream-page-size (7 in tests), never held whole; the answer is the same
   * one document a one-page list would be.
   */
  @Test
  void aListWithoutLimitIsStreamedPageByPageAndComplete() {
    String app = "whole-" + UUID.randomUUID().toString().substring(0, 8);
    String ns = "ns-" + app;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String name = "i%02d".formatted(i);
      given().contentType(ContentType.JSON).body("""
          {"metadata":{"name":"%s","labels":{"app":"%s","half":"%s"}},
           "spec":{"clusterServiceClassExternalName":"nothing","clusterServicePlanExternalName":"none"}}"""
              .formatted(name, app, i % 2 == 0 ? "even" : "odd"))
          .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201);
      expected.add(name);
    }
    var whole = given().get(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(200)
        .contentType(ContentType.JSON).extract();
    JsonPath list = whole.jsonPath();
    assertEquals("ServiceInstanceList", list.getString("kind"));
    assertEquals("servicecatalog.k8s.io/v1beta1", list.getString("apiVersion"));
    assertEquals(expected, list.getList("items.metadata.name"));
    assertEquals(null, list.getString("metadata.continue"), "a whole list ends in one answer");
    long rv = Long.parseLong(list.getString("metadata.resourceVersion"));
    list.getList("items.metadata.resourceVersion", String.class)
        .forEach(v -> org.junit.jupiter.api.Assertions.assertTrue(Long.parseLong(v) <= rv, v + " after the list's " + rv));
    // one JSON document to a strict parser too
    assertEquals(30, assertDoesNotThrow(() -> Json.MAPPER.readTree(whole.asString())).path("items").size());

    assertEquals(expected.stream().filter(n -> Integer.parseInt(n.substring(1)) % 2 == 1).toList(),
        given().queryParam("labelSelector", "app=" + app + ",half=odd").get(API + "/namespaces/" + ns + "/serviceinstances")
            .then().statusCode(200).extract().jsonPath().getList("items.metadata.name"));
    // cluster-wide, across pages of other namespaces' objects
    assertEquals(expected, given().queryParam("labelSelector", "app=" + app).get(API + "/serviceinstances")
        .then().statusCode(200).extract().jsonPath().getList("items.metadata.name"));
    // kubectl's Table rendering, whole
    JsonPath table = given().header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        .get(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(200).extract().jsonPath();
    assertEquals("Table", table.getString("kind"));
    assertEquals(5, table.getList("columnDefinitions").size());
    assertEquals(expected, table.getList("rows.object.metadata.name"));
    assertEquals(null, table.getString("metadata.continue"));
    // a limit still pages, with a continue token in the envelope
    JsonPath first = given().queryParam("limit", 10).get(API + "/namespaces/" + ns + "/serviceinstances")
        .then().statusCode(200).extract().jsonPath();
    assertEquals(expected.subList(0, 10), first.getList("items.metadata.name"));
    assertNotEquals(null, first.getString("metadata.continue"));
    // nothing at all
    JsonPath none = given().get(API + "/namespaces/empty-" + app + "/serviceinstances").then().statusCode(200).extract().jsonPath();
    assertEquals(List.of(), none.getList("items"));
    assertNotEquals(null, none.getString("metadata.resourceVersion"));
    // bad parameters are still refused with a Status before anything is streamed
    given().queryParam("labelSelector", "app in (").get(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(400)
        .body("kind", equalTo("Status"));
    given().queryParam("continue", "%%%").get(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(400)
        .body("kind", equalTo("Status"));
  }

  private static List<String> pageThrough(String labelSelector, int limit) {
    List<String> seen = new ArrayList<>();
    String cont = null;
    do {
      var req = given().queryParam("labelSelector", labelSelector).queryParam("limit", limit);
      if (cont != null) {
        req = req.queryParam("continue", cont);
      }
      JsonPath page = req.get(API + "/serviceinstances").then().statusCode(200).extract().jsonPath();
      List<String> ns = page.getList("items.metadata.namespace");
      List<String> names = page.getList("items.metadata.name");
      for (int i = 0; i < names.size(); i++) {
        seen.add(ns.get(i) + "/" + names.get(i));
      }
      cont = page.getString("metadata.continue");
    } while (cont != null);
    return seen;
  }

  private static String catalog(String serviceId, String broker, List<String> planIds, int changed) {
    StringBuilder plans = new StringBuilder();
    for (int p = 0; p < planIds.size(); p++) {
      plans.append(p == 0 ? "" : ",").append("""
          {"id":"%s","name":"plan-%d","description":"%s","free":true}"""
          .formatted(planIds.get(p), p, p == changed ? "changed plan " + p : "plan " + p));
    }
    return """
        {"services":[{"id":"%s","name":"svc-%s","description":"d","bindable":true,"plans":[%s]}]}"""
        .formatted(serviceId, broker, plans);
  }

  /** plan name → resourceVersion, for the broker's plans. */
  private static Map<String, String> plans(String broker) {
    JsonPath list = given().queryParam("fieldSelector", "spec.clusterServiceBrokerName=" + broker)
        .get(API + "/clusterserviceplans").then().statusCode(200).extract().jsonPath();
    Map<String, String> m = new LinkedHashMap<>();
    List<String> names = list.getList("items.metadata.name");
    List<String> versions = list.getList("items.metadata.resourceVersion");
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), versions.get(i));
    }
    return m;
  }

  private static String classVersion(String serviceId) {
    return given().get(API + "/clusterserviceclasses/" + serviceId).then().statusCode(200)
        .extract().path("metadata.resourceVersion");
  }

  private static String brokerVersion(String broker) {
    return given().get(API + "/clusterservicebrokers/" + broker).then().statusCode(200)
        .extract().path("metadata.resourceVersion");
  }

  private static void fetched(String broker, String uid, String catalog) {
    OperationResult r = OperationResult.about("test", "ClusterServiceBroker", null, broker, uid, 1L)
        .op(Operation.FETCH_CATALOG, Outcome.SUCCEEDED, null, null);
    try {
      r.catalog = Json.MAPPER.readTree(catalog);
      producer.send(new ProducerRecord<>(Topics.RESULTS, uid, Json.MAPPER.writeValueAsString(r))).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
