package io.servicecatalog.localstack;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * catalog-api, the service that talks to both, against a PostgreSQL that accepts its database
 * over TLS only and a Kafka reached through its SSL listener only, configured with exactly the
 * settings README.md documents (section "Security"): certificates verified against a
 * CA file, host names checked ({@code verify-full}). The server side confirms TLS was used.
 */
class TlsInfrastructureTest {
  @TempDir
  static Path tmp;

  static TestPki pki;
  static Postgres postgres;
  static EmbeddedKafka kafka;
  static LocalStack stack;
  static final String DB = "sc_tls_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(tmp);
    Path hba = tmp.resolve("pg_hba.conf");
    // the services' database over TLS only; the rest (the launcher's admin connections) as usual
    Files.writeString(hba, String.join("\n",
        "local all all trust",
        "hostssl " + DB + " all 127.0.0.1/32 trust",
        "hostnossl " + DB + " all 127.0.0.1/32 reject",
        "host all all 127.0.0.1/32 trust",
        "host all all ::1/128 trust", ""));
    postgres = Postgres.embedded(0, Map.of(
        "ssl", "on",
        "ssl_cert_file", pki.serverCertPem.toString(),
        "ssl_key_file", pki.serverKeyPem.toString(),
        "hba_file", hba.toString()));
    kafka = new EmbeddedKafka().withSslListener(pki.serverKeyStore, TestPki.PASSWORD).start();

    String ca = pki.caPem.toString();
    String pg = "127.0.0.1:" + postgres.port() + "/" + DB;
    stack = LocalStack.builder()
        .randomPorts(true)
        .postgres(postgres)
        .databaseName(DB)
        .externalKafka(kafka.bootstrapServers()) // topics are created over PLAINTEXT
        .logDir(tmp.resolve("logs"))
        .services(LocalStack.CATALOG_API)
        .serviceProperties(LocalStack.CATALOG_API, Map.of(
            // PostgreSQL: reactive client and JDBC (Flyway), both verify-full against the CA
            "quarkus.datasource.reactive.url", "postgresql://" + pg,
            "quarkus.datasource.reactive.postgresql.ssl-mode", "verify-full",
            "quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS",
            "quarkus.datasource.reactive.trust-certificate-pem", "true",
            "quarkus.datasource.reactive.trust-certificate-pem.certs", ca,
            "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + pg + "?sslmode=verify-full&sslrootcert=" + ca,
            // Kafka: the SSL listener only, server certificate checked against the CA (PEM)
            "kafka.bootstrap.servers", kafka.sslBootstrapServers(),
            "kafka.security.protocol", "SSL",
            "kafka.ssl.truststore.type", "PEM",
            "kafka.ssl.truststore.location", ca))
        .build()
        .start();
    CatalogApiAuth.install(stack);
  }

  @AfterAll
  static void stop() {
    CatalogApiAuth.uninstall();
    if (stack != null) {
      stack.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void theDatabaseIsReachedOverTlsOnly() throws Exception {
    // without TLS the database refuses a client, so the service could only have come in with it
    SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        postgres.jdbcUrl(DB) + "?sslmode=disable", "postgres", "").close());
    assertTrue(refused.getMessage().contains("pg_hba.conf"), refused.getMessage());

    given().contentType("application/json").body("""
        {"metadata":{"name":"tls-broker"},"spec":{"url":"http://127.0.0.1:9"}}""")
        .post(stack.catalogApiRestBase() + "/clusterservicebrokers").then().statusCode(201);
    given().get(stack.catalogApiRestBase() + "/clusterservicebrokers/tls-broker").then().statusCode(200);

    try (Connection c = postgres.connect("postgres");
        PreparedStatement ps = c.prepareStatement("select count(*), bool_and(s.ssl), min(s.version) "
            + "from pg_stat_ssl s join pg_stat_activity a on a.pid = s.pid where a.datname = ?")) {
      ps.setString(1, DB);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertTrue(rs.getInt(1) > 0, "catalog-api has connections to its database");
        assertTrue(rs.getBoolean(2), "every one of them is TLS");
        System.out.println("[tls] catalog-api's PostgreSQL connections: " + rs.getInt(1) + ", all " + rs.getString(3));
      }
    }
  }

  @Test
  void kafkaIsReachedThroughTheSslListener() throws Exception {
    given().contentType("application/json").body("""
        {"metadata":{"name":"tls-kafka-broker"},"spec":{"url":"http://127.0.0.1:9"}}""")
        .post(stack.catalogApiRestBase() + "/clusterservicebrokers").then().statusCode(201);

    // produced: the outbox relay's resource event, read back over SSL as well
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.sslBootstrapServers());
    p.put("security.protocol", "SSL");
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", pki.caPem.toString());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "tls-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.RESOURCES));
      await("catalog-api's event for the broker").atMost(Duration.ofSeconds(90)).until(() -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() != null && r.value().contains("tls-kafka-broker")) {
            return true;
          }
        }
        return false;
      });
    }

    // consumed: catalog-api's consumer group on the results topic has joined (through the SSL listener)
    Properties admin = new Properties();
    admin.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin a = Admin.create(admin)) {
      await("catalog-api's consumer group has members").atMost(Duration.ofSeconds(90)).until(() -> {
        ConsumerGroupDescription d = a.describeConsumerGroups(List.of("catalog-api")).all()
            .get(10, TimeUnit.SECONDS).get("catalog-api");
        return d != null && !d.members().isEmpty();
      });
    }
    assertEquals("SSL", stack.systemPropertiesFor(LocalStack.CATALOG_API).get("kafka.security.protocol"));
  }
}
