package io.servicecatalog.localstack;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.servicecatalog.testsupport.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole mesh, a broker that requires basic auth (its password only in a Kubernetes Secret)
 * and a binding; then every place the product writes to is searched for the broker password and
 * for every binding credential value, in clear and base64 (any alignment, standard and URL
 * alphabet): catalog-api responses (list, get and Table of every kind, watches), every service's
 * metrics, health and operations endpoints, every log file, every Kafka record (keys, values,
 * headers; every topic), every row of every table of the stack's database, the custom
 * resources and Events in the Kubernetes API. The Secrets themselves are scanned too, as the
 * proof that the scan finds what it looks for.
 */
class SecretLeakE2ETest {
  static final Duration STEP = Duration.ofSeconds(120);
  static final String NS = "default";
  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
  static final ObjectMapper JSON = new ObjectMapper();

  static LocalStack stack;
  static String api;
  static final String brokerPassword = randomSecret();

  @BeforeAll
  static void startTheMesh() throws IOException {
    Path logs = Path.of("target", "leak-e2e-logs");
    if (Files.isDirectory(logs)) {
      // the services append to their logs: start from empty ones so the scan reads this run only
      try (var old = Files.list(logs)) {
        for (Path f : old.toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
    Postgres pg = Postgres.external(env("SERVICECATALOG_DB_HOST", "127.0.0.1"),
        Integer.parseInt(env("SERVICECATALOG_DB_PORT", "5432")),
        env("SERVICECATALOG_DB_USER", "postgres"), env("SERVICECATALOG_DB_PASSWORD", ""));
    stack = LocalStack.builder()
        .randomPorts(true)
        .postgres(pg)
        .databaseName("sc_leak_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
        .logDir(logs)
        .brokerCredentials("catalog-" + UUID.randomUUID().toString().substring(0, 8), brokerPassword)
        // everything the services log at their most talkative, so the scan sees the worst case
        .serviceProperty(LocalStack.BROKER_GATEWAY, "quarkus.log.category.\"io.servicecatalog\".level", "DEBUG")
        .serviceProperty(LocalStack.CREDENTIAL_INJECTOR, "quarkus.log.category.\"io.servicecatalog\".level", "DEBUG")
        .serviceProperty(LocalStack.CATALOG_API, "quarkus.log.category.\"io.servicecatalog\".level", "DEBUG")
        .build()
        .start();
    CatalogApiAuth.install(stack);
    api = stack.catalogApiRestBase();
  }

  @AfterAll
  static void stopTheMesh() {
    CatalogApiAuth.uninstall();
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void brokerAuthAndBindingCredentialsAppearNowhereButTheSecrets() throws Exception {
    KubernetesClient kube = stack.kubernetes().client();
    String user = stack.brokerUsername();
    kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("mariadb-broker-auth")
        .endMetadata().withType("Opaque")
        .addToData("username", b64(user)).addToData("password", b64(brokerPassword)).build()).create();
    String brokerYaml = Files.readString(stack.root().resolve("examples/mariadb-broker.yaml"))
        .replace("http://127.0.0.1:8090", stack.brokerUrl());
    post("/clusterservicebrokers", brokerYaml);
    awaitReady("/clusterservicebrokers/mariadb-broker");
    post("/namespaces/" + NS + "/serviceinstances", example("mariadb-instance.yaml"));
    awaitReady("/namespaces/" + NS + "/serviceinstances/mariadb-instance");
    post("/namespaces/" + NS + "/servicebindings", example("mariadb-binding.yaml"));
    awaitReady("/namespaces/" + NS + "/servicebindings/mariadb-binding");

    Secret credentials = kube.secrets().inNamespace(NS).withName("mariadb-instance-credentials").get();
    assertNotNull(credentials, "the binding's Secret");
    String password = decode(credentials.getData().get("password"));
    Map<String, String> needles = new LinkedHashMap<>();
    needles.put("broker auth password", brokerPassword);
    needles.put("binding password", password);
    // every credential value that carries the password (the uri, ...) is a secret of its own
    credentials.getData().forEach((k, v) -> {
      String value = decode(v);
      if (!k.equals("password") && value.contains(password)) {
        needles.put("binding " + k, value);
      }
    });
    Scan scan = new Scan(needles);

    // The proof that the scan can find them: the Secrets in the Kubernetes API hold them.
    String kubeApi = stack.kubernetesApiUrl();
    Scan proof = new Scan(needles);
    proof.text("Kubernetes Secret " + NS + "/mariadb-instance-credentials",
        get(kubeApi + "/api/v1/namespaces/" + NS + "/secrets/mariadb-instance-credentials", null));
    proof.text("Kubernetes Secret " + NS + "/mariadb-broker-auth",
        get(kubeApi + "/api/v1/namespaces/" + NS + "/secrets/mariadb-broker-auth", null));
    assertTrue(proof.found().keySet().containsAll(needles.keySet()),
        "the Secrets hold every value (the scanner finds them): " + proof.found());
    proof.found().values().forEach(where -> assertTrue(where.stream().allMatch(w -> w.contains("(base64")),
        "a Secret holds values as base64 only: " + proof.found()));

    // While the binding exists: what the APIs show of it.
    scanCatalogApi(scan, "bound");
    scanEndpoints(scan, "bound");
    scanKubernetesObjects(scan, kubeApi, "bound");
    scanDatabase(scan, "bound");

    // The rest of the walkthrough: unbind, deprovision, remove the broker.
    given().delete(api + "/namespaces/" + NS + "/servicebindings/mariadb-binding").then().statusCode(200);
    awaitGone("/namespaces/" + NS + "/servicebindings/mariadb-binding");
    given().delete(api + "/namespaces/" + NS + "/serviceinstances/mariadb-instance").then().statusCode(200);
    awaitGone("/namespaces/" + NS + "/serviceinstances/mariadb-instance");
    given().delete(api + "/clusterservicebrokers/mariadb-broker").then().statusCode(200);
    awaitGone("/clusterservicebrokers/mariadb-broker");

    scanWatchHistory(scan);
    scanEndpoints(scan, "after cleanup");
    scanKubernetesObjects(scan, kubeApi, "after cleanup");
    scanKafka(scan);
    scanDatabase(scan, "after cleanup");
    scanLogs(scan); // last: everything above has been logged by now

    System.out.println("[secret-scan] looked for " + needles.size() + " values (" + needles.keySet()
        + "), each in clear and " + scan.formsPerValue() + " base64 forms");
    scan.report().forEach(line -> System.out.println("[secret-scan] " + line));
    assertTrue(scan.found().isEmpty(), "credentials found outside the Secrets: " + scan.found());
    assertTrue(scan.bytes("Kafka ") > 0 && scan.units("Kafka servicecatalog.audit") > 0
        && scan.units("PostgreSQL ") > 0 && scan.units("log ") > 0, "every source was read: " + scan.report());
  }

  // ------------------------------------------------------------------ sources

  /** Every kind: list across namespaces as JSON and as Table, then a get (JSON and Table) of every object. */
  static void scanCatalogApi(Scan scan, String phase) {
    JsonPath discovery = given().get(api).then().statusCode(200).extract().jsonPath();
    scan.text("catalog-api discovery", discovery.prettify());
    List<Map<String, Object>> resources = discovery.getList("resources");
    for (Map<String, Object> r : resources) {
      String plural = (String) r.get("name");
      if (plural.contains("/")) {
        continue; // subresources are served with their object
      }
      boolean namespaced = Boolean.TRUE.equals(r.get("namespaced"));
      String list = get(api + "/" + plural, null);
      scan.text("catalog-api list " + plural + " (" + phase + ")", list);
      scan.text("catalog-api Table " + plural + " (" + phase + ")", get(api + "/" + plural, TABLE));
      for (JsonNode item : readTree(list).path("items")) {
        String name = item.path("metadata").path("name").asText();
        String path = namespaced
            ? "/namespaces/" + item.path("metadata").path("namespace").asText() + "/" + plural + "/" + name
            : "/" + plural + "/" + name;
        scan.text("catalog-api get " + plural + " (" + phase + ")", get(api + path, null));
        scan.text("catalog-api get Table " + plural + " (" + phase + ")", get(api + path, TABLE));
        if (namespaced) {
          String ns = item.path("metadata").path("namespace").asText();
          scan.text("catalog-api list " + plural + " in " + ns + " (" + phase + ")",
              get(api + "/namespaces/" + ns + "/" + plural, null));
        }
      }
    }
  }

  /** Every change the API has retained (resourceVersion 1 on) and the current state (0), per kind. */
  static void scanWatchHistory(Scan scan) {
    JsonPath discovery = given().get(api).then().statusCode(200).extract().jsonPath();
    for (Map<String, Object> r : discovery.<Map<String, Object>>getList("resources")) {
      String plural = (String) r.get("name");
      if (plural.contains("/")) {
        continue;
      }
      for (String rv : List.of("1", "0")) {
        String events = given().queryParam("watch", "true").queryParam("resourceVersion", rv)
            .queryParam("timeoutSeconds", "2").get(api + "/" + plural).then().statusCode(200).extract().asString();
        scan.text("catalog-api watch " + plural + " from resourceVersion " + rv, events);
      }
    }
  }

  /** Metrics (labels and values), health and the operations views of every service. */
  static void scanEndpoints(Scan scan, String phase) {
    for (Map.Entry<String, ServiceProcess> s : stack.services().entrySet()) {
      String base = s.getValue().url();
      scan.text("metrics " + s.getKey() + " (" + phase + ")", get(base + "/q/metrics", null));
      scan.text("health " + s.getKey() + " (" + phase + ")",
          given().get(base + "/q/health").then().extract().asString());
    }
    String operations = get(stack.brokerGatewayUrl() + "/api/v1/operations", null);
    scan.text("broker-gateway operations (" + phase + ")", operations);
    for (JsonNode op : readTree(operations)) {
      String uid = op.path("resourceUid").asText("");
      if (!uid.isEmpty()) {
        scan.text("broker-gateway operations of one resource (" + phase + ")",
            get(stack.brokerGatewayUrl() + "/api/v1/operations/" + uid, null));
      }
    }
    scan.text("credential-injector retries (" + phase + ")", get(stack.credentialInjectorUrl() + "/injector/retries", null));
  }

  /** What k8s-syncer mirrors into the Kubernetes API, and the Events the services post there. */
  static void scanKubernetesObjects(Scan scan, String kubeApi, String phase) {
    scan.text("Kubernetes Events (" + phase + ")", get(kubeApi + "/api/v1/events", null));
    scan.text("Kubernetes ConfigMaps (" + phase + ")", get(kubeApi + "/api/v1/configmaps", null));
    for (String plural : List.of("clusterservicebrokers", "clusterserviceclasses", "clusterserviceplans",
        "servicebrokers", "serviceclasses", "serviceplans", "serviceinstances", "servicebindings")) {
      String body = given().get(kubeApi + "/apis/servicecatalog.k8s.io/v1beta1/" + plural).then().extract().asString();
      scan.text("Kubernetes custom resources " + plural + " (" + phase + ")", body);
    }
  }

  /** Every record (key, value, headers as raw bytes) of every topic, internal ones included. */
  static void scanKafka(Scan scan) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    Set<String> topics;
    try (Admin admin = Admin.create(p)) {
      topics = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
          .names().get();
    }
    assertTrue(topics.containsAll(Topics.ALL.stream().map(Topics.Spec::name).toList()), "topics: " + topics);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String t : topics) {
        consumer.partitionsFor(t).forEach(i -> partitions.add(new TopicPartition(t, i.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "reading every topic to its end took over 60 s");
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          String source = "Kafka " + r.topic();
          scan.bytes(source, r.key());
          scan.bytes(source + " (value)", r.value());
          for (Header h : r.headers()) {
            scan.bytes(source + " (header " + h.key() + ")", h.value());
          }
          scan.count(source);
        }
      }
    }
  }

  /** Every column of every row of every table and view, in every schema of the stack's database. */
  static void scanDatabase(Scan scan, String phase) throws Exception {
    try (Connection c = stack.postgres().connect(stack.databaseName())) {
      List<String> tables = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
          "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables "
              + "where table_schema not in ('pg_catalog', 'information_schema')")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertTrue(tables.size() > 1, "tables: " + tables);
      for (String t : tables) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select * from " + t)) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int k = 1; k <= cols; k++) {
              Object v = rs.getObject(k);
              if (v instanceof byte[] raw) {
                scan.bytes("PostgreSQL " + t + " (" + phase + ")", raw);
              } else if (v != null) {
                scan.text("PostgreSQL " + t + " (" + phase + ")", v.toString());
              }
            }
            scan.count("PostgreSQL " + t + " (" + phase + ")");
          }
        }
      }
    }
  }

  static void scanLogs(Scan scan) throws IOException {
    try (var logs = Files.list(stack.logDir())) {
      for (Path log : logs.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        String source = "log " + log.getFileName();
        scan.text(source, text);
        scan.count(source, text.lines().count());
      }
    }
  }

  // ------------------------------------------------------------------ the scanner

  /** Searches text and bytes for the needles in every form; counts what it read per source. */
  static final class Scan {
    final Map<String, List<String>> forms = new LinkedHashMap<>();
    final Map<String, long[]> read = new LinkedHashMap<>(); // source -> {bytes, units}
    final Map<String, Set<String>> found = new LinkedHashMap<>();

    Scan(Map<String, String> needles) {
      needles.forEach((name, value) -> forms.put(name, encodings(value)));
    }

    /** The value itself, then the parts of its base64 that are fixed wherever it starts in a larger encoded blob. */
    static List<String> encodings(String value) {
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>();
      out.add(value);
      for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        for (int offset = 0; offset < 3; offset++) {
          byte[] shifted = new byte[offset + v.length];
          System.arraycopy(v, 0, shifted, offset, v.length);
          String e = enc.withoutPadding().encodeToString(shifted);
          int from = offset == 0 ? 0 : 4; // the first group mixes in preceding bytes
          int to = (offset + v.length) % 3 == 0 ? e.length() : (e.length() / 4) * 4; // so does the last
          String core = e.substring(Math.min(from, to), to);
          if (core.length() >= 8 && !out.contains(core)) {
            out.add(core);
          }
        }
      }
      return out;
    }

    int formsPerValue() {
      return forms.values().stream().mapToInt(List::size).min().orElse(0) - 1;
    }

    void text(String source, String text) {
      if (text == null) {
        return;
      }
      read.computeIfAbsent(source, s -> new long[2])[0] += text.getBytes(StandardCharsets.UTF_8).length;
      forms.forEach((name, encodings) -> {
        for (int i = 0; i < encodings.size(); i++) {
          if (text.contains(encodings.get(i))) {
            found.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(source + (i == 0 ? "" : " (base64)"));
          }
        }
      });
    }

    void bytes(String source, byte[] raw) {
      if (raw == null) {
        return;
      }
      // ISO-8859-1 maps bytes 1:1, so an ASCII needle matches wherever its bytes occur
      text(source, new String(raw, StandardCharsets.ISO_8859_1));
    }

    void count(String source) {
      count(source, 1);
    }

    void count(String source, long n) {
      read.computeIfAbsent(source, s -> new long[2])[1] += n;
    }

    Map<String, Set<String>> found() {
      return found;
    }

    long bytes(String prefix) {
      return read.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue()[0]).sum();
    }

    long units(String prefix) {
      return read.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue()[1]).sum();
    }

    /** One line per source: bytes read and, where it has them, records / rows / lines. */
    List<String> report() {
      List<String> lines = new ArrayList<>();
      read.forEach((source, n) -> lines.add(source + ": " + n[0] + " bytes" + (n[1] > 0 ? ", " + n[1] + unit(source) : "")));
      long total = read.values().stream().mapToLong(n -> n[0]).sum();
      lines.add("total: " + read.size() + " sources, " + total + " bytes, findings: " + found.size());
      return lines;
    }

    static String unit(String source) {
      return source.startsWith("Kafka") ? " records" : source.startsWith("PostgreSQL") ? " rows" : " lines";
    }
  }

  // ------------------------------------------------------------------ helpers

  static String randomSecret() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return "Pw" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String example(String file) throws IOException {
    return Files.readString(stack.root().resolve("examples").resolve(file));
  }

  static void post(String path, String yaml) {
    given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).post(api + path)
        .then().statusCode(201);
  }

  static String get(String url, String accept) {
    var req = given();
    if (accept != null) {
      req.accept(accept);
    }
    Response r = req.get(url);
    assertEquals(200, r.statusCode(), "GET " + url + ": " + r.asString());
    return r.asString();
  }

  static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + e.getMessage(), e);
    }
  }

  static void awaitReady(String path) {
    await(path + " Ready").atMost(STEP).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
        given().get(api + path).then().statusCode(200)
            .body("status.conditions.find { it.type == 'Ready' }.status", equalTo("True")));
  }

  static void awaitGone(String path) {
    await(path + " gone").atMost(STEP).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
        given().get(api + path).then().statusCode(404));
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
