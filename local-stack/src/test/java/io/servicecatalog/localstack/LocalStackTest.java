package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wiring of the stack without the service jars: infrastructure only, plus the computed configuration. */
class LocalStackTest {

    @TempDir
    Path tmp;

    @Test
    void findsRepositoryRootWalkingUp() throws Exception {
        Files.createDirectories(tmp.resolve("catalog-api"));
        Files.writeString(tmp.resolve("pom.xml"), "<project/>");
        Path deep = Files.createDirectories(tmp.resolve("local-stack/target/x"));
        assertEquals(tmp.toRealPath(), LocalStack.walkUpForRoot(deep).toRealPath());
        assertNull(LocalStack.walkUpForRoot(Files.createTempDirectory("no-root")));
    }

    @Test
    void infrastructureOnlyStackWiresEverything() throws Exception {
        Files.createDirectories(tmp.resolve("catalog-api"));
        Files.writeString(tmp.resolve("pom.xml"), "<project/>");
        boolean localPg = Ports.isReachable("127.0.0.1", 5432, Duration.ofSeconds(1));
        Postgres pg = localPg ? Postgres.external("127.0.0.1", 5432, "postgres", "") : Postgres.embedded();
        String db = "sc_lstest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        LocalStack stack = LocalStack.builder()
                .randomPorts(true)
                .services()
                .root(tmp)
                .logDir(tmp.resolve("logs"))
                .postgres(pg)
                .databaseName(db)
                .serviceProperty(LocalStack.BROKER_GATEWAY, "servicecatalog.poll-interval", "100ms")
                .build();
        try {
            stack.start();
            assertTrue(pg.databaseExists(db));
            assertTrue(stack.services().isEmpty());

            // Kafka with topics
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
            try (Admin admin = Admin.create(p)) {
                Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                assertTrue(names.containsAll(Set.of(Topics.RESOURCES, Topics.RESULTS, Topics.CREDENTIALS, Topics.AUDIT)),
                        names.toString());
            }

            // Kubernetes stand-in
            HttpResponse<String> ns = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(stack.kubernetesApiUrl() + "/api/v1/namespaces/default")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ns.statusCode());
            assertEquals(stack.kubernetes().url(), stack.kubernetesApiUrl());

            // computed service configuration
            Map<String, String> gw = stack.systemPropertiesFor(LocalStack.BROKER_GATEWAY);
            assertEquals(String.valueOf(stack.port(LocalStack.BROKER_GATEWAY)), gw.get("quarkus.http.port"));
            assertEquals(pg.reactiveUrl(db), gw.get("quarkus.datasource.reactive.url"));
            assertEquals(pg.jdbcUrl(db), gw.get("quarkus.datasource.jdbc.url"));
            assertEquals(stack.kafkaBootstrap(), gw.get("kafka.bootstrap.servers"));
            assertEquals(stack.kubernetesApiUrl(), gw.get("quarkus.kubernetes-client.api-server-url"));
            assertEquals("default", gw.get("quarkus.kubernetes-client.namespace"));
            assertEquals(stack.catalogApiUrl(), gw.get("servicecatalog.catalog-api.url"));
            assertEquals("100ms", gw.get("servicecatalog.poll-interval"));
            assertEquals(32, Base64.getDecoder().decode(gw.get("servicecatalog.credentials.key")).length);

            Map<String, String> injector = stack.systemPropertiesFor(LocalStack.CREDENTIAL_INJECTOR);
            assertEquals(gw.get("servicecatalog.credentials.key"), injector.get("servicecatalog.credentials.key"));
            assertFalse(injector.containsKey("quarkus.datasource.jdbc.url"));
            assertEquals(stack.catalogApiUrl(), injector.get("servicecatalog.catalog-api.url"));

            // catalog-api's token file and each client's own token, fresh for this run
            String tokenFile = Files.readString(stack.tokenFile(LocalStack.CATALOG_API));
            assertTrue(tokenFile.contains(stack.adminToken() + ",admin,admin,\"servicecatalog:admins\""), "admin token");
            assertTrue(tokenFile.contains(stack.developerToken() + ",developer,developer,\"servicecatalog:namespace:default\""));
            assertTrue(tokenFile.contains(",system:servicecatalog:k8s-syncer,k8s-syncer,\"servicecatalog:system,servicecatalog:proxies\""));
            assertEquals(Files.readString(stack.tokenFile(LocalStack.BROKER_GATEWAY)),
                    Files.readString(Path.of(gw.get("servicecatalog.catalog-api.token-file"))));
            assertTrue(tokenFile.contains(Files.readString(stack.tokenFile(LocalStack.BROKER_GATEWAY))
                    + ",system:servicecatalog:broker-gateway,"));
            assertFalse(gw.containsValue(stack.adminToken()), "no token on a command line");
            assertEquals(32, Base64.getUrlDecoder().decode(stack.adminToken()).length);

            Map<String, String> api = stack.systemPropertiesFor(LocalStack.CATALOG_API);
            assertEquals(stack.tokenFile(LocalStack.CATALOG_API).toString(), api.get("servicecatalog.auth.token-file"));
            // HTTPS for kubectl, with a certificate made for this run
            assertEquals(stack.catalogApiCertificate().toString(), api.get("quarkus.http.ssl.certificate.files"));
            assertTrue(Files.readString(stack.catalogApiCertificate()).startsWith("-----BEGIN CERTIFICATE-----"));
            assertTrue(Files.readString(Path.of(api.get("quarkus.http.ssl.certificate.key-files")))
                    .startsWith("-----BEGIN PRIVATE KEY-----"));
            assertFalse(api.containsKey("servicecatalog.credentials.key"));
            assertFalse(api.containsKey("quarkus.kubernetes-client.api-server-url"));
            assertEquals(pg.jdbcUrl(db), api.get("quarkus.datasource.jdbc.url"));

            Map<String, String> broker = stack.systemPropertiesFor(LocalStack.MARIADB_BROKER);
            assertTrue(broker.get("quarkus.datasource.jdbc.url").startsWith("jdbc:mariadb://"));
            assertFalse(broker.containsKey("kafka.bootstrap.servers"));
            assertEquals("admin", broker.get("broker.username"));

            assertEquals(tmp.resolve("catalog-api/target/quarkus-app/quarkus-run.jar"),
                    stack.serviceJar(LocalStack.CATALOG_API));
            assertEquals(tmp.resolve("examples/mariadb-broker/target/quarkus-app/quarkus-run.jar"),
                    stack.serviceJar(LocalStack.MARIADB_BROKER));

            // no jars were built in this fake root: a clear error, and the stack stays usable
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> stack.startService(LocalStack.CATALOG_API));
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> stack.service("nope"));
        } finally {
            stack.close();
            try {
                assertFalse(pg.databaseExists(db), "test database dropped on close");
                assertFalse(Files.exists(stack.tokenFile(LocalStack.CATALOG_API).getParent()), "token files deleted on close");
                assertFalse(stack.kafka().isRunning());
                assertFalse(stack.kubernetes().isRunning());
            } finally {
                pg.close();
            }
        }
    }
}
