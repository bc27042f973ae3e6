package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The user's walkthrough (../shared/WALKTHROUGH.md) over REST, for real: Kafka (KRaft) and
 * PostgreSQL, catalog-api, broker-gateway and credential-injector as separate processes from
 * their built jars, the example MariaDB broker over HTTP against a real MariaDB, and the
 * Kubernetes API stand-in reached by URL. The example YAML files are what gets sent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkthroughE2ETest {
  static final Duration STEP = Duration.ofSeconds(90);
  static final String NS = "default";
  static LocalStack stack;
  /** The password the broker issued in the walkthrough: it must appear nowhere but the Secret. */
  static String issuedPassword;
  static String instanceUid;
  static String bindingUid;
  static String api;
  static Path examples;
  static String mariaDbHost = env("MARIADB_HOST", "127.0.0.1");
  static int mariaDbPort = Integer.parseInt(env("MARIADB_PORT", "3306"));

  @BeforeAll
  static void startTheMesh() {
    Postgres pg = Postgres.external(env("SERVICECATALOG_DB_HOST", "127.0.0.1"),
        Integer.parseInt(env("SERVICECATALOG_DB_PORT", "5432")),
        env("SERVICECATALOG_DB_USER", "postgres"), env("SERVICECATALOG_DB_PASSWORD", ""));
    stack = LocalStack.builder()
        .randomPorts(true)
        .postgres(pg)
        .databaseName("sc_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
        .logDir(Path.of("target", "e2e-logs"))
        // quick polling so the asynchronous plan is observed within seconds
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.polling.initial-interval", "250ms")
        .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.polling.max-interval", "2s")
        .serviceProperty(LocalStack.MARIADB_BROKER, "broker.async-provision-seconds", "8")
        .build()
        .start();
    CatalogApiAuth.install(stack);
    api = stack.catalogApiRestBase();
    examples = stack.root().resolve("examples");
  }

  @AfterAll
  static void stopTheMesh() {
    CatalogApiAuth.uninstall();
    if (stack != null) {
      stack.close();
    }
  }

  static String brokerYaml() throws IOException {
    // The example points at the local run's fixed port; this run uses a random one.
    return Files.readString(examples.resolve("mariadb-broker.yaml"))
        .replace("http://127.0.0.1:8090", stack.brokerUrl());
  }

  static String example(String file) throws IOException {
    return Files.readString(examples.resolve(file));
  }

  @Test
  @Order(1)
  void badInputGetsAKubernetesStatusAndChangesNothing() {
    given().contentType(ContentType.JSON).body("{not json").post(api + "/clusterservicebrokers")
        .then().statusCode(400).body("kind", equalTo("Status")).body("reason", equalTo("BadRequest"));
    given().contentType(ContentType.JSON).body("{}").post(api + "/namespaces/default/gizmos")
        .then().statusCode(404).body("kind", equalTo("Status"));
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"no-plan\"},\"spec\":{}}")
        .post(api + "/namespaces/default/serviceinstances")
        .then().statusCode(422).body("reason", equalTo("Invalid"))
        .body("details.causes.field", hasItem("spec.clusterServiceClassExternalName"));
    given().contentType(ContentType.JSON)
        .body("{\"metadata\":{\"name\":\"MariaDB_Instance\"},\"spec\":{\"clusterServiceClassExternalName\":\"mariadb\",\"clusterServicePlanExternalName\":\"small\"}}")
        .post(api + "/namespaces/default/serviceinstances")
        .then().statusCode(422).body("details.causes.field", hasItem("metadata.name"));
    // every request is authenticated and authorized (the stack's fresh tokens; the admin's is the default here)
    given().header("Authorization", "Bearer not-a-token").get(api + "/serviceinstances").then().statusCode(401);
    given().header("Authorization", "Bearer " + stack.developerToken()).get(api + "/serviceinstances")
        .then().statusCode(403);
    given().header("Authorization", "Bearer " + stack.developerToken()).get(api + "/namespaces/" + NS + "/serviceinstances")
        .then().statusCode(200);
    // HTTPS as well, for kubectl (which sends a token over TLS only)
    given().relaxedHTTPSValidation().header("Authorization", "Bearer " + stack.adminToken())
        .get(stack.catalogApiTlsUrl() + "/apis").then().statusCode(200);
    given().get(api + "/serviceinstances").then().statusCode(200).body("items.size()", equalTo(0));
    given().get(api + "/clusterservicebrokers").then().statusCode(200).body("items.size()", equalTo(0));
  }

  @Test
  @Order(2)
  void walkthrough() throws Exception {
    KubernetesClient kube = stack.kubernetes().client();

    // 2. The broker's basic-auth Secret.
    try (var in = Files.newInputStream(examples.resolve("mariadb-secret.yaml"))) {
      kube.resource(in).inNamespace(NS).create();
    }

    // 3. Register the broker (YAML, as in the seed).
    given().contentType("application/yaml").body(brokerYaml().getBytes(StandardCharsets.UTF_8))
        .post(api + "/clusterservicebrokers").then().statusCode(201);

    // 4. The broker is Ready with its classes and plans from /v2/catalog.
    awaitReady("/clusterservicebrokers/mariadb-broker");
    given().get(api + "/clusterserviceclasses").then().statusCode(200)
        .body("items.spec.externalName", hasItem("mariadb"));
    given().get(api + "/clusterserviceplans").then().statusCode(200)
        .body("items.spec.externalName", hasItems("small", "async"));

    // 5. Provision (synchronous plan) — and the asynchronous plan alongside.
    given().contentType("application/yaml").body(example("mariadb-instance.yaml").getBytes(StandardCharsets.UTF_8))
        .post(api + "/namespaces/" + NS + "/serviceinstances").then().statusCode(201);
    given().contentType(ContentType.JSON).body("""
        {"apiVersion":"servicecatalog.k8s.io/v1beta1","kind":"ServiceInstance",
         "metadata":{"name":"mariadb-async"},
         "spec":{"clusterServiceClassExternalName":"mariadb","clusterServicePlanExternalName":"async"}}""")
        .post(api + "/namespaces/" + NS + "/serviceinstances").then().statusCode(201);
    await("async provision is polled").atMost(STEP).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        given().get(api + "/namespaces/" + NS + "/serviceinstances/mariadb-async").then()
            .body("status.asyncOpInProgress", equalTo(true))
            .body("status.lastOperation", org.hamcrest.Matchers.notNullValue()));
    JsonPath instance = awaitReady("/namespaces/" + NS + "/serviceinstances/mariadb-instance");
    instanceUid = instance.getString("metadata.uid");
    assertEquals("Provisioned", instance.getString("status.provisionStatus"));
    assertEquals("Required", instance.getString("status.deprovisionStatus"));
    JsonPath async = awaitReady("/namespaces/" + NS + "/serviceinstances/mariadb-async");
    assertEquals("Provisioned", async.getString("status.provisionStatus"));
    assertFalse(async.getBoolean("status.asyncOpInProgress"));

    // 6. Bind: Ready only once the Secret exists.
    given().contentType("application/yaml").body(example("mariadb-binding.yaml").getBytes(StandardCharsets.UTF_8))
        .post(api + "/namespaces/" + NS + "/servicebindings").then().statusCode(201);
    JsonPath binding = awaitReady("/namespaces/" + NS + "/servicebindings/mariadb-binding");
    bindingUid = binding.getString("metadata.uid");
    assertEquals("mariadb-instance-credentials", binding.getString("status.binding.name"));
    Secret secret = kube.secrets().inNamespace(NS).withName("mariadb-instance-credentials").get();
    assertNotNull(secret, "the binding's Secret exists in the Kubernetes API");
    Map<String, String> creds = decode(secret);
    assertTrue(creds.keySet().containsAll(List.of("host", "port", "database", "username", "password", "uri")),
        "credential keys: " + creds.keySet());
    assertEquals("3306", creds.get("port"), "a JSON number becomes its text");
    assertFalse(binding.prettify().contains(creds.get("password")), "credentials never in the API");
    issuedPassword = creds.get("password");

    // 7. Use the binding: SQL with exactly what the Secret says.
    String url = "jdbc:mariadb://" + creds.get("host") + ":" + creds.get("port") + "/" + creds.get("database");
    try (Connection c = DriverManager.getConnection(url, creds.get("username"), creds.get("password"));
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE greetings (id INT PRIMARY KEY, text VARCHAR(64))");
      st.execute("INSERT INTO greetings VALUES (1, 'hello from the service catalog')");
      try (ResultSet rs = st.executeQuery("SELECT text FROM greetings WHERE id = 1")) {
        assertTrue(rs.next());
        assertEquals("hello from the service catalog", rs.getString(1));
      }
    }

    // 8. Clean up. Deleting the instance first: it waits for its binding.
    given().delete(api + "/namespaces/" + NS + "/serviceinstances/mariadb-instance").then().statusCode(200);
    await().atMost(STEP).untilAsserted(() ->
        given().get(api + "/namespaces/" + NS + "/serviceinstances/mariadb-instance").then()
            .body("status.conditions.find { it.type == 'Ready' }.reason",
                equalTo("DeprovisionBlockedByExistingCredentials")));
    given().delete(api + "/namespaces/" + NS + "/servicebindings/mariadb-binding").then().statusCode(200);
    awaitGone("/namespaces/" + NS + "/servicebindings/mariadb-binding");
    assertEquals(null, kube.secrets().inNamespace(NS).withName("mariadb-instance-credentials").get(),
        "unbind removed the Secret");
    SQLException refused = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url, creds.get("username"), creds.get("password")).close());
    assertTrue(refused.getMessage().contains("Access denied"), refused.getMessage());

    awaitGone("/namespaces/" + NS + "/serviceinstances/mariadb-instance");
    assertFalse(databases().contains(creds.get("database")), "deprovision dropped the database");
    given().delete(api + "/namespaces/" + NS + "/serviceinstances/mariadb-async").then().statusCode(200);
    awaitGone("/namespaces/" + NS + "/serviceinstances/mariadb-async");
  }

  @Test
  @Order(3)
  void gatewayKilledWhilePollingResumesAndTheBrokerSawOneProvision() throws Exception {
    double provisionsBefore = brokerRequests("provision");
    given().contentType(ContentType.JSON).body("""
        {"metadata":{"name":"survives-restart"},
         "spec":{"clusterServiceClassExternalName":"mariadb","clusterServicePlanExternalName":"async"}}""")
        .post(api + "/namespaces/" + NS + "/serviceinstances").then().statusCode(201);
    await("the provision is being polled").atMost(STEP).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        given().get(api + "/namespaces/" + NS + "/serviceinstances/survives-restart").then()
            .body("status.asyncOpInProgress", equalTo(true)));

    ServiceProcess gateway = stack.service(LocalStack.BROKER_GATEWAY);
    gateway.kill();
    assertFalse(gateway.isAlive());
    gateway.start();
    gateway.awaitReady(Duration.ofSeconds(120));

    JsonPath ready = awaitReady("/namespaces/" + NS + "/serviceinstances/survives-restart");
    assertEquals("Provisioned", ready.getString("status.provisionStatus"));
    assertEquals(1.0, brokerRequests("provision") - provisionsBefore, "provision requests the broker saw");

    given().delete(api + "/namespaces/" + NS + "/serviceinstances/survives-restart").then().statusCode(200);
    awaitGone("/namespaces/" + NS + "/serviceinstances/survives-restart");
  }

  @Test
  @Order(4)
  void deletingTheBrokerRemovesItsClassesAndPlans() {
    given().delete(api + "/clusterservicebrokers/mariadb-broker").then().statusCode(200);
    awaitGone("/clusterservicebrokers/mariadb-broker");
    given().get(api + "/clusterserviceclasses").then().body("items.size()", equalTo(0));
    given().get(api + "/clusterserviceplans").then().body("items.size()", equalTo(0));
  }

  @Test
  @Order(5)
  void theIssuedPasswordIsInNoLogNoKafkaRecordAndNoDatabaseRow() throws Exception {
    assertNotNull(issuedPassword, "the walkthrough ran and issued credentials");
    // every line every service logged
    try (var logs = Files.list(stack.logDir())) {
      for (Path log : logs.toList()) {
        assertFalse(Files.readString(log).contains(issuedPassword), "password found in " + log);
      }
    }
    // every record of every topic
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", stack.kafkaBootstrap());
    p.put("group.id", "e2e-audit-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    int records = 0;
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p,
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(io.servicecatalog.testsupport.Topics.ALL.stream()
          .map(io.servicecatalog.testsupport.Topics.Spec::name).toList());
      long quietSince = System.currentTimeMillis();
      while (System.currentTimeMillis() - quietSince < 3000) {
        var batch = consumer.poll(Duration.ofMillis(500));
        if (!batch.isEmpty()) {
          quietSince = System.currentTimeMillis();
        }
        for (var r : batch) {
          records++;
          if (r.value() != null) {
            assertFalse(new String(r.value(), StandardCharsets.UTF_8).contains(issuedPassword),
                "password in clear on " + r.topic());
          }
        }
      }
    }
    assertTrue(records > 0, "the topics were read");
    // every row of every table the services own
    try (Connection c = stack.postgres().connect(stack.databaseName())) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = c.createStatement().executeQuery(
          "select table_schema || '.' || table_name from information_schema.tables "
              + "where table_schema not in ('pg_catalog', 'information_schema')")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertFalse(tables.isEmpty());
      for (String t : tables) {
        try (ResultSet rs = c.createStatement().executeQuery("select * from " + t)) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int k = 1; k <= cols; k++) {
              String v = rs.getString(k);
              assertFalse(v != null && v.contains(issuedPassword), "password stored in " + t);
            }
          }
        }
      }
    }
  }

  @Test
  @Order(6)
  void theAuditTrailTellsTheWalkthroughEventByEvent() throws Exception {
    assertNotNull(instanceUid, "the walkthrough ran");
    Map<String, List<com.fasterxml.jackson.databind.JsonNode>> byKey = new java.util.HashMap<>();
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", stack.kafkaBootstrap());
    p.put("group.id", "e2e-audit-trail-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new org.apache.kafka.common.serialization.StringDeserializer())) {
      consumer.subscribe(List.of(io.servicecatalog.testsupport.Topics.AUDIT));
      long quietSince = System.currentTimeMillis();
      while (System.currentTimeMillis() - quietSince < 3000) {
        var batch = consumer.poll(Duration.ofMillis(500));
        if (!batch.isEmpty()) {
          quietSince = System.currentTimeMillis();
        }
        for (var r : batch) {
          var e = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(r.value());
          assertEquals("1.0", e.path("specversion").asText(), r.value());
          byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(e);
        }
      }
    }
    List<String> instance = types(byKey.get(instanceUid));
    assertInOrder(instance, "io.servicecatalog.instance.created", "io.servicecatalog.instance.provisioned",
        "io.servicecatalog.instance.deletion-requested", "io.servicecatalog.instance.deprovisioned",
        "io.servicecatalog.instance.deleted");
    assertInOrder(instance, "io.servicecatalog.osb.call"); // the provision request, on the instance's key
    List<String> binding = types(byKey.get(bindingUid));
    assertInOrder(binding, "io.servicecatalog.binding.created", "io.servicecatalog.binding.bound",
        "io.servicecatalog.binding.secret-written", "io.servicecatalog.binding.deletion-requested",
        "io.servicecatalog.binding.secret-deleted", "io.servicecatalog.binding.unbound",
        "io.servicecatalog.binding.deleted");
    var created = byKey.get(instanceUid).get(0);
    assertEquals("namespaces/default/serviceinstances/mariadb-instance", created.path("subject").asText());
    var osbCalls = byKey.values().stream().flatMap(List::stream)
        .filter(e -> e.path("type").asText().equals("io.servicecatalog.osb.call")).toList();
    assertTrue(osbCalls.stream().allMatch(e -> !e.at("/data/requestIdentity").asText().isEmpty()),
        "every OSB call names its request identity");
  }

  static List<String> types(List<com.fasterxml.jackson.databind.JsonNode> events) {
    assertNotNull(events, "audit events for the resource");
    return events.stream().map(e -> e.path("type").asText()).toList();
  }

  /** The expected types appear in this order (other events may come between them). */
  static void assertInOrder(List<String> actual, String... expected) {
    int at = 0;
    for (String want : expected) {
      int found = actual.subList(at, actual.size()).indexOf(want);
      assertTrue(found >= 0, "expected " + want + " after position " + at + " in " + actual);
      at += found + 1;
    }
  }

  // ---------------------------------------------------------------- helpers

  static JsonPath awaitReady(String path) {
    await(path + " Ready").atMost(STEP).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        given().get(api + path).then().statusCode(200)
            .body("status.conditions.find { it.type == 'Ready' }.status", equalTo("True")));
    return given().get(api + path).then().extract().jsonPath();
  }

  static void awaitGone(String path) {
    await(path + " gone").atMost(STEP).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        given().get(api + path).then().statusCode(404));
  }

  static Map<String, String> decode(Secret s) {
    Map<String, String> out = new java.util.TreeMap<>();
    s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  static List<String> databases() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(
            "jdbc:mariadb://" + mariaDbHost + ":" + mariaDbPort + "/", env("MARIADB_USER", "root"),
            env("MARIADB_PASSWORD", ""));
        ResultSet rs = c.createStatement().executeQuery("SHOW DATABASES")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** Sum of the broker's request counter for one OSB operation, read from its /q/metrics. */
  static double brokerRequests(String operation) {
    String metrics = given().get(stack.brokerUrl() + "/q/metrics").then().statusCode(200).extract().asString();
    Pattern line = Pattern.compile("^mariadb_broker_requests_total\\{([^}]*)\\}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(metrics);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains("operation=\"" + operation + "\"")) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
