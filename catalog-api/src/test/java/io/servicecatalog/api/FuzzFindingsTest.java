package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.servicecatalog.testsupport.KafkaTestResource;
import org.junit.jupiter.api.Test;

/** The inputs with which BadInputFuzzTest found bugs, kept as fixed regression cases. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class FuzzFindingsTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";

  @io.quarkus.test.common.http.TestHTTPResource("/")
  java.net.URL base;

  @Test
  void aWatchEndsAtItsTimeoutAndZeroMeansTheServersLimit() throws Exception {
    // timeoutSeconds=0 used to reach a zero-delay timer: the exception was dropped (in the log) and
    // the watch got no end at all. Like kube-apiserver, 0 now means the server's own limit.
    String ns = "fuzz-watch-" + System.nanoTime();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.util.function.Function<String, java.net.http.HttpRequest> watch = t -> java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            base.toString().replaceAll("/$", "") + API + "/namespaces/" + ns + "/servicebindings?watch=true&timeoutSeconds=" + t))
        .header("Authorization", TestCredentials.AUTHORIZATION).build();
    // one second: the stream ends by itself
    var oneSecond = http.sendAsync(watch.apply("1"), java.net.http.HttpResponse.BodyHandlers.ofString());
    org.junit.jupiter.api.Assertions.assertEquals(200, oneSecond.get(15, java.util.concurrent.TimeUnit.SECONDS).statusCode());
    // zero: open, streaming like any other watch
    java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
    var zero = http.sendAsync(watch.apply("0"), java.net.http.HttpResponse.BodyHandlers.ofLines());
    zero.thenAccept(r -> r.body().forEach(lines::add));
    given().contentType(ContentType.JSON).body("{\"metadata\":{\"name\":\"b0\"},\"spec\":{\"instanceRef\":{\"name\":\"none\"}}}")
        .post(API + "/namespaces/" + ns + "/servicebindings").then().statusCode(201);
    String added = lines.poll(15, java.util.concurrent.TimeUnit.SECONDS);
    zero.cancel(true);
    org.junit.jupiter.api.Assertions.assertTrue(added != null && added.contains("\"type\":\"ADDED\"")
        && added.contains("\"b0\""), String.valueOf(added));
  }

  @Test
  void aNulCharacterInANameIsNotFoundNot500() {
    given().urlEncodingEnabled(false).contentType("application/merge-patch+json")
        .body("{\"metadata\":{\"labels\":{\"a\":\"b\"}}}")
        .patch(API + "/namespaces/fuzz/servicebrokers/%00")
        .then().statusCode(404).body("kind", equalTo("Status")).body("reason", equalTo("NotFound"));
    given().urlEncodingEnabled(false).get(API + "/clusterservicebrokers/a%00b")
        .then().statusCode(404).body("reason", equalTo("NotFound"));
  }

  @Test
  void aNulCharacterInsideABodyValueIsNoProblemForTheStore() {
    // stored as escaped JSON text: accepted, and read back (no 5xx)
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"nul-label\",\"annotations\":{\"a\":\"x\\u0000y\"}},"
            + "\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201);
    given().get(API + "/clusterservicebrokers/nul-label").then().statusCode(200)
        .body("metadata.annotations.a", equalTo("x\u0000y"));
  }

  @Test
  void aJsonPatchArrayIndexBeyondIntIsInvalidNot500() {
    String path = API + "/clusterservicebrokers/patch-index";
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"patch-index\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(201);
    String before = given().get(path).then().extract().asString();
    given().contentType("application/json-patch+json")
        .body("[{\"op\":\"replace\",\"path\":\"/metadata/finalizers/2147483648\",\"value\":\"x\"}]")
        .patch(path).then().statusCode(422).body("kind", equalTo("Status")).body("reason", equalTo("Invalid"));
    given().get(path).then().body(equalTo(before));
  }

  @Test
  void aWrongTypeNamesTheFieldAndTheJsonTypeNotAJavaClass() {
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"wrong-type\"},\"spec\":{\"instanceRef\":{\"name\":\"i\"},\"userInfo\":[\"#\"]}}")
        .post(API + "/namespaces/fuzz/servicebindings")
        .then().statusCode(422).body("details.causes.field", hasItem("spec.userInfo"))
        .body("message", containsString("expected an object"))
        .body("message", not(containsString("io.servicecatalog")));
  }

  @Test
  void tooDeeplyNestedJsonIsABadRequestWithoutJacksonInternals() {
    given().contentType(ContentType.JSON).body("{\"spec\":" + "[".repeat(1500) + "]".repeat(1500) + "}")
        .post(API + "/clusterservicebrokers")
        .then().statusCode(400).body("reason", equalTo("BadRequest"))
        .body("message", not(containsString("Constraints")));
  }
}
