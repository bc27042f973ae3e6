package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** catalog-api behaving like kube-apiserver for its kinds: verbs, concurrency, selectors, watch. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class KubernetesSemanticsTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";

  @TestHTTPResource("/")
  URL base;

  static String uniq(String p) {
    return p + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String createClass(String name, String extraMeta) {
    return given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"%s"%s},"spec":{"clusterServiceBrokerName":"b","externalName":"%s","externalID":"%s"}}"""
            .formatted(name, extraMeta, name, UUID.randomUUID()))
        .post(API + "/clusterserviceclasses").then().statusCode(201).extract().path("metadata.resourceVersion");
  }

  @Test
  void putNeedsTheCurrentResourceVersionAndBumpsGenerationOnlyForSpec() {
    String name = uniq("cls");
    String rv = createClass(name, "");
    var current = given().get(API + "/clusterserviceclasses/" + name).then().extract().jsonPath();
    String body = """
        {"metadata":{"name":"%s","resourceVersion":"%s","labels":{"tier":"gold"}},
         "spec":{"clusterServiceBrokerName":"b","externalName":"%s","externalID":"%s","description":"labels only"}}"""
        .formatted(name, rv, name, current.getString("spec.externalID"));
    String rv2 = given().contentType(ContentType.JSON).body(body).put(API + "/clusterserviceclasses/" + name)
        .then().statusCode(200).body("metadata.generation", equalTo(2)).body("metadata.labels.tier", equalTo("gold"))
        .extract().path("metadata.resourceVersion");
    // the same body again: stale resourceVersion
    given().contentType(ContentType.JSON).body(body).put(API + "/clusterserviceclasses/" + name)
        .then().statusCode(409).body("reason", equalTo("Conflict"))
        .body("message", containsString("the object has been modified"));
    // metadata-only change keeps the generation
    given().contentType(Patches.MERGE).body("{\"metadata\":{\"labels\":{\"tier\":\"silver\"}}}")
        .patch(API + "/clusterserviceclasses/" + name)
        .then().statusCode(200).body("metadata.generation", equalTo(2)).body("metadata.labels.tier", equalTo("silver"));
    // PUT without a resourceVersion is refused with the field named
    given().contentType(ContentType.JSON).body(body.replace("\"resourceVersion\":\"" + rv + "\",", ""))
        .put(API + "/clusterserviceclasses/" + name)
        .then().statusCode(422).body("details.causes.field", hasItem("metadata.resourceVersion"));
    // externalID is immutable
    given().contentType(Patches.MERGE).body("{\"spec\":{\"externalID\":\"other\"}}")
        .patch(API + "/clusterserviceclasses/" + name)
        .then().statusCode(422).body("details.causes.field", hasItem("spec.externalID"));
    assertTrue(Long.parseLong(rv2) > Long.parseLong(rv));
  }

  @Test
  void jsonPatchAndStatusSubresource() {
    String name = uniq("cls");
    createClass(name, "");
    given().contentType(Patches.JSON)
        .body("[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"a\":\"1\"}},"
            + "{\"op\":\"add\",\"path\":\"/spec/description\",\"value\":\"patched\"}]")
        .patch(API + "/clusterserviceclasses/" + name)
        .then().statusCode(200).body("metadata.annotations.a", equalTo("1")).body("spec.description", equalTo("patched"));
    given().contentType(Patches.JSON).body("[{\"op\":\"test\",\"path\":\"/spec/description\",\"value\":\"nope\"}]")
        .patch(API + "/clusterserviceclasses/" + name).then().statusCode(422);
    given().contentType(Patches.STRATEGIC).body("{}").patch(API + "/clusterserviceclasses/" + name)
        .then().statusCode(415).body("kind", equalTo("Status"));
    // the status subresource changes status only; spec edits there are ignored
    given().contentType(Patches.MERGE).body("{\"status\":{\"removedFromBrokerCatalog\":true},\"spec\":{\"description\":\"x\"}}")
        .patch(API + "/clusterserviceclasses/" + name + "/status")
        .then().statusCode(200).body("status.removedFromBrokerCatalog", equalTo(true)).body("spec.description", equalTo("patched"));
    // and the main resource ignores status
    given().contentType(Patches.MERGE).body("{\"status\":{\"removedFromBrokerCatalog\":false}}")
        .patch(API + "/clusterserviceclasses/" + name)
        .then().statusCode(200).body("status.removedFromBrokerCatalog", equalTo(true));
  }

  @Test
  void deletionWaitsForFinalizers() {
    String name = uniq("cls");
    createClass(name, ",\"finalizers\":[\"example.com/hold\"]");
    given().delete(API + "/clusterserviceclasses/" + name).then().statusCode(200)
        .body("metadata.deletionTimestamp", notNullValue());
    given().get(API + "/clusterserviceclasses/" + name).then().statusCode(200)
        .body("metadata.finalizers", contains("example.com/hold"));
    given().contentType(Patches.MERGE).body("{\"spec\":{\"description\":\"too late\"}}")
        .patch(API + "/clusterserviceclasses/" + name).then().statusCode(422);
    given().contentType(Patches.MERGE).body("{\"metadata\":{\"finalizers\":null}}")
        .patch(API + "/clusterserviceclasses/" + name).then().statusCode(200);
    given().get(API + "/clusterserviceclasses/" + name).then().statusCode(404);
  }

  @Test
  void selectorsAndPagination() {
    String ns = uniq("sel");
    for (int i = 0; i < 5; i++) {
      given().contentType(ContentType.JSON).body("""
          {"metadata":{"name":"i%d","labels":{"team":"%s"}},
           "spec":{"clusterServiceClassExternalName":"nothing","clusterServicePlanExternalName":"none"}}"""
              .formatted(i, i % 2 == 0 ? "a" : "b"))
          .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201);
    }
    given().queryParam("labelSelector", "team=a").get(API + "/namespaces/" + ns + "/serviceinstances")
        .then().body("items.metadata.name", contains("i0", "i2", "i4"));
    given().queryParam("labelSelector", "team in (a,b),team!=a").get(API + "/namespaces/" + ns + "/serviceinstances")
        .then().body("items.metadata.name", contains("i1", "i3"));
    given().queryParam("fieldSelector", "metadata.name=i3").get(API + "/serviceinstances")
        .then().body("items.metadata.namespace", hasItem(ns));
    given().queryParam("fieldSelector", "spec.nope=x").get(API + "/serviceinstances")
        .then().statusCode(400).body("message", containsString("field label not supported"));
    List<String> seen = new ArrayList<>();
    String cont = null;
    int pages = 0;
    do {
      var req = given().queryParam("limit", 2);
      if (cont != null) {
        req = req.queryParam("continue", cont);
      }
      var page = req.get(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(200).extract().jsonPath();
      seen.addAll(page.getList("items.metadata.name"));
      cont = page.getString("metadata.continue");
      pages++;
    } while (cont != null);
    assertEquals(List.of("i0", "i1", "i2", "i3", "i4"), seen);
    assertEquals(3, pages);
    // kubectl's table
    given().accept("application/json;as=Table;v=v1;g=meta.k8s.io").get(API + "/namespaces/" + ns + "/serviceinstances")
        .then().body("kind", equalTo("Table")).body("columnDefinitions.name", contains("Name", "Class", "Plan", "Status", "Age"))
        .body("rows.size()", equalTo(5));
  }

  @Test
  void watchStreamsChangesResumesAndExpires() throws Exception {
    String ns = uniq("w");
    String rv0 = given().get(API + "/namespaces/" + ns + "/servicebindings").then().extract().path("metadata.resourceVersion");
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpClient http = HttpClient.newHttpClient();
    URI watch = base.toURI().resolve(API.substring(1) + "/namespaces/" + ns + "/servicebindings?watch=true&resourceVersion=" + rv0);
    CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(HttpRequest.newBuilder(watch).header("Authorization", TestCredentials.AUTHORIZATION).build(),
        HttpResponse.BodyHandlers.ofLines());
    f.thenAccept(r -> r.body().forEach(lines::add));
    given().contentType(ContentType.JSON).body("{\"metadata\":{\"name\":\"b1\"},\"spec\":{\"instanceRef\":{\"name\":\"none\"}}}")
        .post(API + "/namespaces/" + ns + "/servicebindings").then().statusCode(201);
    String added = lines.poll(15, TimeUnit.SECONDS);
    assertTrue(added != null && added.contains("\"type\":\"ADDED\"") && added.contains("\"b1\""), String.valueOf(added));
    given().delete(API + "/namespaces/" + ns + "/servicebindings/b1").then().statusCode(200);
    String modified = lines.poll(15, TimeUnit.SECONDS);
    assertTrue(modified != null && modified.contains("MODIFIED") || modified.contains("DELETED"), modified);
    String addedRv = Json.MAPPER.readTree(added).at("/object/metadata/resourceVersion").asText();
    f.cancel(true);

    // resume after the ADDED event: the next change comes again, the ADDED does not
    LinkedBlockingQueue<String> resumed = new LinkedBlockingQueue<>();
    URI resume = base.toURI().resolve(API.substring(1) + "/namespaces/" + ns + "/servicebindings?watch=1&resourceVersion=" + addedRv);
    http.sendAsync(HttpRequest.newBuilder(resume).header("Authorization", TestCredentials.AUTHORIZATION).build(), HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(resumed::add));
    String first = resumed.poll(15, TimeUnit.SECONDS);
    assertTrue(first != null && !first.contains("ADDED") && first.contains("b1"), String.valueOf(first));

    // a version older than the retained history: 410 Expired
    String jdbc = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
    try (var c = DriverManager.getConnection(jdbc, "postgres", "")) {
      c.createStatement().execute("update catalog_api.watch_horizon set pruned_through = " + (Long.parseLong(addedRv) + 1));
    }
    try {
      URI old = base.toURI().resolve(API.substring(1) + "/namespaces/" + ns + "/servicebindings?watch=true&resourceVersion=" + addedRv);
      HttpResponse<String> gone = http.send(HttpRequest.newBuilder(old).header("Authorization", TestCredentials.AUTHORIZATION).build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(gone.body().contains("\"type\":\"ERROR\"") && gone.body().contains("410"), gone.body());
    } finally {
      try (var c = DriverManager.getConnection(jdbc, "postgres", "")) {
        c.createStatement().execute("update catalog_api.watch_horizon set pruned_through = 0");
      }
    }
  }

  @Test
  void validationRulesNameTheirFields() {
    String ns = uniq("v");
    given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"sb"},"spec":{"url":"https://b","insecureSkipTLSVerify":true,"caBundle":"abc",
          "relistBehavior":"Sometimes","catalogRestrictions":{"serviceClass":["spec.externalName=="],"servicePlan":["color==red"]},
          "authInfo":{"basic":{"secretRef":{"namespace":"elsewhere","name":"s"}}}}}""")
        .post(API + "/namespaces/" + ns + "/servicebrokers").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.caBundle"))
        .body("details.causes.field", hasItem("spec.relistBehavior"))
        .body("details.causes.field", hasItem("spec.catalogRestrictions.serviceClass[0]"))
        .body("details.causes.field", hasItem("spec.catalogRestrictions.servicePlan[0]"))
        .body("details.causes.field", hasItem("spec.authInfo.basic.secretRef.namespace"));
    given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"i"},"spec":{"clusterServiceClassExternalName":"c","servicePlanExternalName":"p"}}""")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(422)
        .body("message", containsString("not both"));
    given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"i"},"spec":{"clusterServiceClassExternalName":"c","clusterServicePlanName":"p"}}""")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.clusterServicePlanName"));
    given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"i"},"spec":{"clusterServiceClassExternalName":"c","clusterServicePlanExternalName":"p",
          "parameters":[1,2],"parametersFrom":[{"secretKeyRef":{"name":"s"}}]}}""")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.parameters"))
        .body("details.causes.field", hasItem("spec.parametersFrom[0].secretKeyRef.key"));
    // an instance whose spec can change only in allowed ways
    given().contentType(ContentType.JSON).header("X-Remote-User", "alice").header("X-Remote-Group", "devs")
        .body("""
        {"metadata":{"name":"ok"},"spec":{"clusterServiceClassExternalName":"c","clusterServicePlanExternalName":"p",
          "externalID":"fixed-id","updateRequests":3}}""")
        .post(API + "/namespaces/" + ns + "/serviceinstances").then().statusCode(201)
        .body("spec.userInfo.username", equalTo("alice")).body("spec.userInfo.groups", contains("devs"));
    given().contentType(Patches.MERGE).body("{\"spec\":{\"externalID\":\"another\"}}")
        .patch(API + "/namespaces/" + ns + "/serviceinstances/ok").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.externalID"));
    given().contentType(Patches.MERGE).body("{\"spec\":{\"updateRequests\":2}}")
        .patch(API + "/namespaces/" + ns + "/serviceinstances/ok").then().statusCode(422)
        .body("details.causes.field", hasItem("spec.updateRequests"));
    given().contentType(Patches.MERGE).body("{\"spec\":{\"clusterServiceClassExternalName\":\"other\"}}")
        .patch(API + "/namespaces/" + ns + "/serviceinstances/ok").then().statusCode(422);
    given().contentType(Patches.MERGE).header("X-Remote-User", "bob").body("{\"spec\":{\"updateRequests\":4}}")
        .patch(API + "/namespaces/" + ns + "/serviceinstances/ok").then().statusCode(200)
        .body("metadata.generation", equalTo(2)).body("spec.userInfo.username", equalTo("bob"));
    // bindings are immutable, save their rotation counter
    given().contentType(ContentType.JSON).body("{\"metadata\":{\"name\":\"bd\"},\"spec\":{\"instanceRef\":{\"name\":\"ok\"}}}")
        .post(API + "/namespaces/" + ns + "/servicebindings").then().statusCode(201).body("spec.secretName", equalTo("bd"));
    given().contentType(Patches.MERGE).body("{\"spec\":{\"secretName\":\"other\"}}")
        .patch(API + "/namespaces/" + ns + "/servicebindings/bd").then().statusCode(422).body("details.causes.field", hasItem("spec"));
    given().contentType(Patches.MERGE).body("{\"spec\":{\"rotationRequests\":1}}")
        .patch(API + "/namespaces/" + ns + "/servicebindings/bd").then().statusCode(200).body("spec.rotationRequests", equalTo(1));
  }

  @Test
  void fiftyConcurrentWritersLeaveALinearHistoryWithOneEventEach() throws Exception {
    String name = uniq("hot");
    createClass(name, "");
    String uid = given().get(API + "/clusterserviceclasses/" + name).then().extract().path("metadata.uid");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<CompletableFuture<String>> writes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      writes.add(CompletableFuture.supplyAsync(() -> given().contentType(Patches.MERGE)
          .body("{\"metadata\":{\"labels\":{\"w" + n + "\":\"x\"}}}")
          .patch(API + "/clusterserviceclasses/" + name).then().statusCode(200)
          .extract().<String>path("metadata.resourceVersion"), pool));
    }
    List<Long> rvs = new ArrayList<>();
    for (var w : writes) {
      rvs.add(Long.parseLong(w.get(60, TimeUnit.SECONDS)));
    }
    pool.shutdown();
    assertEquals(50, rvs.stream().distinct().count(), "every write got its own resourceVersion");
    given().get(API + "/clusterserviceclasses/" + name).then()
        .body("metadata.labels.size()", equalTo(50))
        .body("metadata.resourceVersion", equalTo(Long.toString(rvs.stream().mapToLong(x -> x).max().orElseThrow())));
    Properties c = new Properties();
    c.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    c.put("group.id", "lin-" + UUID.randomUUID());
    c.put("auto.offset.reset", "earliest");
    List<Long> eventRvs = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.RESOURCES));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          if (uid.equals(r.key())) {
            ResourceEvent e = Json.MAPPER.readValue(r.value(), ResourceEvent.class);
            if (e.type() == ResourceEvent.Type.MODIFIED) {
              eventRvs.add(Long.parseLong(e.resourceVersion()));
            }
          }
        }
        return eventRvs.size() >= 50;
      });
    }
    assertEquals(50, eventRvs.size(), "one event per committed change");
    List<Long> sorted = new ArrayList<>(eventRvs);
    sorted.sort(Long::compare);
    assertEquals(sorted, eventRvs, "events in resourceVersion order");
    List<Long> expected = new ArrayList<>(rvs);
    expected.sort(Long::compare);
    assertEquals(expected, eventRvs);
  }

  @Test
  void discoveryForKubectl() {
    given().get("/apis").then().statusCode(200).body("groups[0].name", equalTo("servicecatalog.k8s.io"));
    given().get(API).then().statusCode(200)
        .body("resources.name", hasItem("serviceinstances/status"))
        .body("resources.find { it.name == 'servicebrokers' }.namespaced", equalTo(true));
    given().get("/api").then().statusCode(200).body("kind", equalTo("APIVersions"));
    given().get("/version").then().statusCode(200).body("major", equalTo("1"));
  }

  static final class Patches {
    static final String MERGE = "application/merge-patch+json";
    static final String JSON = "application/json-patch+json";
    static final String STRATEGIC = "application/strategic-merge-patch+json";
  }
}
