package io.servicecatalog.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.servicecatalog.testsupport.KafkaTestResource;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import static org.awaitility.Awaitility.await;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/**
 * Authentication and per-namespace authorization, with no default credentials: every request
 * sends exactly the token it names. Tokens: src/test/resources/test-tokens.csv (alice is granted
 * team-a, bob team-b, carol nothing) and JWTs signed for the OIDC issuer stand-in.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(OidcIssuerStandIn.class)
@TestCredentials.NoDefaultCredentials
class AuthTest {
  static final String API = "/apis/servicecatalog.k8s.io/v1beta1";
  static final String ADMIN = "test-admin-token";
  static final String ALICE = "test-alice-token";
  static final String BOB = "test-bob-token";
  static final String CAROL = "test-carol-token";
  static final String SYNCER = "test-syncer-token";

  @TestHTTPResource("/")
  URL base;

  static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  static String uniq(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String instance(String name) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"clusterServiceClassExternalName\":\"c\","
        + "\"clusterServicePlanExternalName\":\"p\"}}";
  }

  static String binding(String name, String instance) {
    return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"instanceRef\":{\"name\":\"" + instance + "\"}}}";
  }

  static void create(String token, String ns, String plural, String body) {
    as(token).contentType(ContentType.JSON).body(body).post(API + "/namespaces/" + ns + "/" + plural)
        .then().statusCode(201);
  }

  @Test
  void noOrBadCredentialsAre401StatusesAndPublicPathsStayOpen() {
    String name = uniq("anon");
    for (var spec : List.of(given(), given().header("Authorization", "Bearer not-a-known-token"),
        given().header("Authorization", "Basic YWRtaW46YWRtaW4="), given().header("Authorization", "Bearer "))) {
      spec.get(API + "/namespaces/team-a/serviceinstances").then().statusCode(401)
          .body("kind", equalTo("Status")).body("reason", equalTo("Unauthorized"))
          .body(not(containsString("Exception")));
    }
    given().contentType(ContentType.JSON).body(instance(name)).post(API + "/namespaces/team-a/serviceinstances")
        .then().statusCode(401).body("reason", equalTo("Unauthorized"));
    given().get(API + "/namespaces/team-a/serviceinstances?watch=true").then().statusCode(401);
    given().get("/apis").then().statusCode(401);
    given().get(API).then().statusCode(401);
    given().get("/openapi/v2").then().statusCode(401);
    given().get("/openapi/v3").then().statusCode(401);
    given().get("/q/health").then().statusCode(200);
    given().get("/q/metrics").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(200);
    given().get("/marketplace/").then().statusCode(200);
    as(ADMIN).get(API + "/namespaces/team-a/serviceinstances/" + name).then().statusCode(404);
    as(CAROL).get("/apis").then().statusCode(200);
  }

  @Test
  void oidcTokensAreVerifiedAgainstTheIssuersKeysAudienceAndExpiry() throws Exception {
    RsaJsonWebKey key = (RsaJsonWebKey) JsonWebKey.Factory.newJwk(
        ConfigProvider.getConfig().getValue("servicecatalog.test.oidc.jwk", String.class));
    String issuer = ConfigProvider.getConfig().getValue("servicecatalog.test.oidc.issuer", String.class);
    String name = uniq("oidc");
    String good = jwt(key, issuer, OidcIssuerStandIn.AUDIENCE, 300, List.of("servicecatalog:namespace:team-o"));

    as(good).contentType(ContentType.JSON).body(instance(name)).post(API + "/namespaces/team-o/serviceinstances")
        .then().statusCode(201)
        .body("spec.userInfo.username", equalTo("olivia"))
        .body("spec.userInfo.uid", equalTo("sub-olivia"))
        .body("spec.userInfo.groups", hasItem("servicecatalog:namespace:team-o"))
        .body("spec.userInfo.groups", hasItem("system:authenticated"));
    as(good).get(API + "/namespaces/team-o/serviceinstances/" + name).then().statusCode(200);
    as(good).get(API + "/namespaces/team-a/serviceinstances").then().statusCode(403).body("reason", equalTo("Forbidden"));

    RsaJsonWebKey other = RsaJwkGenerator.generateJwk(2048);
    other.setKeyId(key.getKeyId()); // same key id, wrong key: the signature does not verify
    for (String bad : List.of(
        jwt(other, issuer, OidcIssuerStandIn.AUDIENCE, 300, List.of("servicecatalog:admins")),
        jwt(key, issuer, OidcIssuerStandIn.AUDIENCE, -600, List.of("servicecatalog:admins")),
        jwt(key, issuer, "some-other-service", 300, List.of("servicecatalog:admins")),
        jwt(key, "http://127.0.0.1:1/not-the-issuer", OidcIssuerStandIn.AUDIENCE, 300, List.of("servicecatalog:admins")),
        good.substring(0, good.lastIndexOf('.') + 1) + "AAAA")) {
      as(bad).get(API + "/namespaces/team-o/serviceinstances").then().statusCode(401)
          .body("reason", equalTo("Unauthorized"));
      as(bad).delete(API + "/namespaces/team-o/serviceinstances/" + name).then().statusCode(401);
    }
    as(ADMIN).get(API + "/namespaces/team-o/serviceinstances/" + name).then().statusCode(200)
        .body("metadata.deletionTimestamp", nullValue());
  }

  @Test
  void aUserSeesAndChangesOnlyTheNamespacesGrantedToThem() throws Exception {
    String mine = uniq("mine");
    String theirs = uniq("theirs");
    create(ALICE, "team-a", "serviceinstances", instance(mine));
    create(ALICE, "team-a", "servicebindings", binding(mine, mine));
    create(BOB, "team-b", "serviceinstances", instance(theirs));
    create(BOB, "team-b", "servicebindings", binding(theirs, theirs));
    as(ALICE).get(API + "/namespaces/team-a/serviceinstances/" + mine).then().statusCode(200);
    as(ALICE).get(API + "/namespaces/team-a/servicebindings").then().statusCode(200)
        .body("items.metadata.name", hasItem(mine));

    Map<String, String> before = Map.of(
        "serviceinstances", rv("team-b", "serviceinstances", theirs),
        "servicebindings", rv("team-b", "servicebindings", theirs));
    for (String plural : List.of("serviceinstances", "servicebindings")) {
      String one = API + "/namespaces/team-b/" + plural + "/" + theirs;
      String message = "User \"alice\" cannot get resource \"" + plural + "\"";
      as(ALICE).get(one).then().statusCode(403).body("reason", equalTo("Forbidden"))
          .body("message", containsString(message)).body("message", containsString("\"team-b\""));
      as(ALICE).get(API + "/namespaces/team-b/" + plural).then().statusCode(403);
      as(ALICE).get(API + "/namespaces/team-b/" + plural + "?watch=true").then().statusCode(403);
      as(ALICE).contentType(ContentType.JSON).body(plural.equals("serviceinstances")
              ? instance(theirs) : binding(theirs, theirs))
          .put(one).then().statusCode(403);
      as(ALICE).contentType("application/merge-patch+json").body("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}")
          .patch(one).then().statusCode(403);
      as(ALICE).delete(one).then().statusCode(403);
      as(ALICE).contentType(ContentType.JSON).body(plural.equals("serviceinstances")
              ? instance(uniq("new")) : binding(uniq("new"), theirs))
          .post(API + "/namespaces/team-b/" + plural).then().statusCode(403);
      // across all namespaces: admins and the mesh only
      as(ALICE).get(API + "/" + plural).then().statusCode(403).body("message", containsString("cluster scope"));
      as(ALICE).get(API + "/" + plural + "?watch=true").then().statusCode(403);
      // nothing the refused requests asked for happened
      as(BOB).get(one).then().statusCode(200).body("metadata.resourceVersion", equalTo(before.get(plural)))
          .body("metadata.deletionTimestamp", nullValue()).body("metadata.labels", nullValue());
      as(BOB).get(API + "/namespaces/team-b/" + plural).then().statusCode(200)
          .body("items.size()", equalTo(1));
    }
    // status is the mesh's to write
    as(ALICE).contentType("application/merge-patch+json").body("{\"status\":{\"asyncOpInProgress\":true}}")
        .patch(API + "/namespaces/team-a/serviceinstances/" + mine + "/status").then().statusCode(403);
    // paths another parser could read differently, and paths that are no API, are refused to non-admins
    as(ALICE).urlEncodingEnabled(false).get(API + "/namespaces/team-b;x=1/serviceinstances").then().statusCode(403);
    as(ALICE).urlEncodingEnabled(false).get("/apis;x/servicecatalog.k8s.io/v1beta1/namespaces/team-b/serviceinstances")
        .then().statusCode(403);
    as(ALICE).urlEncodingEnabled(false).get(API + "/namespaces/team-a%2F..%2Fteam-b/serviceinstances")
        .then().statusCode(403);
    as(ALICE).get("/not-an-api-path").then().statusCode(403).body("message", containsString("cannot get path"));
    as(ADMIN).get("/not-an-api-path").then().statusCode(404);
    // no grant at all
    as(CAROL).get(API + "/namespaces/team-a/serviceinstances").then().statusCode(403);
    // cluster-scoped kinds: everyone reads (the marketplace), admins write
    as(ALICE).get(API + "/clusterserviceclasses").then().statusCode(200);
    as(ALICE).get(API + "/clusterservicebrokers").then().statusCode(200);
    String broker = uniq("broker");
    as(ALICE).contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"" + broker + "\"},\"spec\":{\"url\":\"http://127.0.0.1:1\"}}")
        .post(API + "/clusterservicebrokers").then().statusCode(403).body("message", containsString("admins"));
    as(ADMIN).get(API + "/clusterservicebrokers/" + broker).then().statusCode(404);
    // the admin sees everything
    as(ADMIN).get(API + "/serviceinstances").then().statusCode(200)
        .body("items.metadata.name", hasItem(mine)).body("items.metadata.name", hasItem(theirs));
    as(ADMIN).get(API + "/namespaces/team-b/servicebindings/" + theirs).then().statusCode(200);
  }

  @Test
  void aUserWatchesTheirOwnNamespace() throws Exception {
    String rv = as(ALICE).get(API + "/namespaces/team-a/serviceinstances").then().statusCode(200)
        .extract().path("metadata.resourceVersion");
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpClient http = HttpClient.newHttpClient();
    var watch = HttpRequest.newBuilder(base.toURI().resolve(API.substring(1)
            + "/namespaces/team-a/serviceinstances?watch=true&resourceVersion=" + rv))
        .header("Authorization", "Bearer " + ALICE).build();
    CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(watch, HttpResponse.BodyHandlers.ofLines());
    f.thenAccept(r -> r.body().forEach(lines::add));
    String name = uniq("watched");
    create(ALICE, "team-a", "serviceinstances", instance(name));
    String added = null;
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); added == null && System.nanoTime() < end; ) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null && line.contains("\"" + name + "\"")) {
        added = line;
      }
    }
    f.cancel(true);
    assertTrue(added != null && added.contains("\"ADDED\""), String.valueOf(added));
  }

  @Test
  void userInfoIsTheVerifiedIdentityAndOnlyProxiesMayForwardAnother() {
    String name = uniq("who");
    // what the body claims is replaced by who sent it
    as(ALICE).contentType(ContentType.JSON).body("""
        {"metadata":{"name":"%s"},"spec":{"clusterServiceClassExternalName":"c","clusterServicePlanExternalName":"p",
          "userInfo":{"username":"system:admin","groups":["system:masters"]}}}""".formatted(name))
        .post(API + "/namespaces/team-a/serviceinstances").then().statusCode(201)
        .body("spec.userInfo.username", equalTo("alice")).body("spec.userInfo.uid", equalTo("uid-alice"))
        .body("spec.userInfo.groups", equalTo(List.of("servicecatalog:namespace:team-a", "system:authenticated")));
    // a caller outside the proxies group may not claim to be someone else
    String forged = uniq("forged");
    as(ALICE).header("X-Remote-User", "admin").header("X-Remote-Group", "servicecatalog:admins")
        .contentType(ContentType.JSON).body(instance(forged))
        .post(API + "/namespaces/team-a/serviceinstances").then().statusCode(403)
        .body("message", containsString("on behalf of"));
    as(ALICE).header("X-Remote-User", "admin").get(API + "/serviceinstances").then().statusCode(403);
    as(ADMIN).get(API + "/namespaces/team-a/serviceinstances/" + forged).then().statusCode(404);
    // k8s-syncer forwards the kubectl user its admission webhook saw
    String proxied = uniq("proxied");
    as(SYNCER).header("X-Remote-User", "dave").header("X-Remote-Uid", "uid-dave")
        .header("X-Remote-Group", "devs").header("X-Remote-Group", "system:authenticated")
        .header("X-Remote-Extra-scopes.example.com%2Fx", "a")
        .contentType(ContentType.JSON).body(instance(proxied))
        .post(API + "/namespaces/team-c/serviceinstances").then().statusCode(201)
        .body("spec.userInfo.username", equalTo("dave")).body("spec.userInfo.uid", equalTo("uid-dave"))
        .body("spec.userInfo.groups", equalTo(List.of("devs", "system:authenticated")))
        .body("spec.userInfo.extra.'scopes.example.com/x'", equalTo(List.of("a")));
  }

  @Test
  void refusedRequestsAreAuditedWithWhoAndWhy() throws Exception {
    String ns = uniq("audited");
    given().contentType(ContentType.JSON).body(instance("x")).post(API + "/namespaces/" + ns + "/serviceinstances")
        .then().statusCode(401);
    as(ALICE).delete(API + "/namespaces/" + ns + "/serviceinstances/x").then().statusCode(403);
    as(ALICE).get(API + "/namespaces/" + ns + "/servicebindings/y").then().statusCode(403);
    Properties c = new Properties();
    c.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
    c.put("group.id", "auth-audit-" + UUID.randomUUID());
    c.put("auto.offset.reset", "earliest");
    Map<String, JsonNode> byVerb = new java.util.HashMap<>();
    try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.AUDIT));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          JsonNode e = Json.MAPPER.readTree(r.value());
          if (ns.equals(e.at("/data/namespace").asText())) {
            byVerb.put(e.at("/data/verb").asText(), e);
          }
        }
        return byVerb.size() == 3;
      });
    }
    JsonNode unauthenticated = byVerb.get("post");
    assertEquals("system:anonymous", unauthenticated.at("/data/user/username").asText());
    assertEquals(401, unauthenticated.at("/data/code").asInt());
    assertEquals("Unauthorized", unauthenticated.at("/data/reason").asText());
    assertTrue(unauthenticated.get("type").asText().endsWith(".write-refused"), unauthenticated.toString());
    JsonNode forbidden = byVerb.get("delete");
    assertEquals("alice", forbidden.at("/data/user/username").asText());
    assertEquals(403, forbidden.at("/data/code").asInt());
    assertEquals("Forbidden", forbidden.at("/data/reason").asText());
    assertEquals("x", forbidden.at("/data/name").asText());
    JsonNode read = byVerb.get("get");
    assertEquals("ServiceBinding", read.at("/data/kind").asText());
    assertTrue(read.get("type").asText().endsWith(".read-refused"), read.toString());
  }

  private static String rv(String ns, String plural, String name) {
    return as(ADMIN).get(API + "/namespaces/" + ns + "/" + plural + "/" + name).then().statusCode(200)
        .extract().path("metadata.resourceVersion");
  }

  static String jwt(RsaJsonWebKey key, String issuer, String audience, long expiresInSeconds, List<String> groups)
      throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setAudience(audience);
    claims.setSubject("sub-olivia");
    claims.setClaim("preferred_username", "olivia");
    claims.setStringListClaim("groups", groups);
    claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 60));
    claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + expiresInSeconds));
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    return jws.getCompactSerialization();
  }
}
