package io.servicecatalog.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.servicecatalog.testsupport.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The top-level {@code docker-compose.yml} checked offline (no container engine here): it
 * validates with docker-compose, names only images built from this repository or official ones,
 * and wires every service with the ports, configuration keys, health checks and start order its
 * own {@code application.properties} (and {@link LocalStack#systemPropertiesFor}) call for.
 */
class ComposeFileTest {

    /** compose service name -> module directory. */
    static final Map<String, String> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put(LocalStack.CATALOG_API, "catalog-api");
        SERVICES.put(LocalStack.BROKER_GATEWAY, "broker-gateway");
        SERVICES.put(LocalStack.CREDENTIAL_INJECTOR, "credential-injector");
        SERVICES.put(LocalStack.K8S_SYNCER, "k8s-syncer");
        SERVICES.put(LocalStack.MARIADB_BROKER, "examples/mariadb-broker");
    }

    /** Official images (Docker Official Images, or the project's own official image) allowed, by repository. */
    static final Set<String> ALLOWED_IMAGES = Set.of("postgres", "mariadb", "apache/kafka", "rancher/k3s");

    /** Configuration of the runtime image (run-java.sh of ubi9/openjdk-17-runtime) rather than of Quarkus. */
    static final Set<String> IMAGE_ENV = Set.of("JAVA_MAX_MEM_RATIO", "JAVA_OPTS_APPEND", "JAVA_TOOL_OPTIONS");

    /** Standard Quarkus keys a service may be given without listing them in its application.properties. */
    static final Set<String> STANDARD_QUARKUS_KEYS = Set.of(
            "quarkus.kubernetes-client.api-server-url",
            "quarkus.kubernetes-client.token",
            "quarkus.kubernetes-client.trust-certs",
            "quarkus.kubernetes-client.namespace",
            "quarkus.kubernetes-client.ca-cert-file",
            "quarkus.http.host",
            "quarkus.log.level");

    /** The keys LocalStack.systemPropertiesFor sets per service (besides the port): compose must set them too. */
    static final Map<String, Set<String>> REQUIRED_KEYS = Map.of(
            LocalStack.CATALOG_API, Set.of("quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url",
                    "quarkus.datasource.username", "quarkus.datasource.password", "kafka.bootstrap.servers"),
            LocalStack.BROKER_GATEWAY, Set.of("quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url",
                    "quarkus.datasource.username", "quarkus.datasource.password", "kafka.bootstrap.servers",
                    "quarkus.kubernetes-client.api-server-url", "servicecatalog.credentials.key",
                    "servicecatalog.catalog-api.url"),
            LocalStack.CREDENTIAL_INJECTOR, Set.of("kafka.bootstrap.servers",
                    "quarkus.kubernetes-client.api-server-url", "servicecatalog.credentials.key",
                    "servicecatalog.catalog-api.url"),
            LocalStack.K8S_SYNCER, Set.of("quarkus.kubernetes-client.api-server-url",
                    "servicecatalog.catalog-api.url"),
            LocalStack.MARIADB_BROKER, Set.of("broker.username", "broker.password",
                    "quarkus.datasource.jdbc.url", "quarkus.datasource.username", "quarkus.datasource.password"));

    /** A host named in a service's configuration -> what the service must wait for. */
    static final Map<String, String> DEPENDENCY_OF_HOST = Map.of(
            "postgres", "postgres=service_healthy",
            "kafka", "kafka-topics=service_completed_successfully",
            "mariadb", "mariadb=service_healthy",
            "catalog-api", "catalog-api=service_healthy");

    static Path root;
    static JsonNode compose;

    @BeforeAll
    static void load() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("docker-compose.yml"))) {
            root = root.getParent();
        }
        assertNotNull(root, "docker-compose.yml not found above " + Path.of("").toAbsolutePath());
        compose = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("docker-compose.yml").toFile());
        assertTrue(compose.path("services").isObject(), "no services in docker-compose.yml");
    }

    // ------------------------------------------------------------------------------ (a) validates

    @Test
    void validatesWithDockerCompose() throws Exception {
        List<String> cli = composeCli();
        Assumptions.assumeTrue(cli != null,
                "neither docker-compose nor `docker compose` is installed (bin/test installs Debian's docker-compose):"
                        + " skipping the offline validation of docker-compose.yml");
        for (List<String> extra : List.of(List.<String>of(), List.of("--profile", "k3s"))) {
            List<String> cmd = new ArrayList<>(cli);
            cmd.addAll(extra);
            cmd.addAll(List.of("-f", "docker-compose.yml", "config", "-q"));
            Run r = run(cmd);
            assertEquals(0, r.exit, String.join(" ", cmd) + " failed:\n" + r.output);
        }
    }

    static List<String> composeCli() {
        for (List<String> candidate : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
            List<String> cmd = new ArrayList<>(candidate);
            cmd.add("version");
            try {
                if (run(cmd).exit == 0) {
                    return candidate;
                }
            } catch (Exception e) {
                // not installed
            }
        }
        return null;
    }

    record Run(int exit, String output) {
    }

    static Run run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------ (b) images

    @Test
    void everyImageIsBuiltHereOrOfficial() {
        assertEquals(new TreeSet<>(SERVICES.keySet()), builtServices(),
                "exactly the five services are built from this repository");
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.path("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode s = e.getValue();
            JsonNode build = s.get("build");
            if (build != null) {
                Path context = root.resolve(build.isTextual() ? build.asText() : build.path("context").asText("."));
                Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile")).normalize();
                assertTrue(Files.isRegularFile(dockerfile), name + ": no Dockerfile " + dockerfile);
                String module = build.path("args").path("MODULE").asText(null);
                assertEquals(SERVICES.get(name), module, name + ": builds the wrong module");
                assertTrue(Files.isRegularFile(context.resolve(module).resolve("pom.xml")), name + ": no module " + module);
                assertTrue(read(dockerfile).contains("${MODULE}/target/quarkus-app"), "Dockerfile does not use MODULE");
                String image = s.path("image").asText("servicecatalog/" + name);
                assertTrue(image.startsWith("servicecatalog/"), name + ": a built image is tagged servicecatalog/*: " + image);
            } else {
                String image = s.path("image").asText(null);
                assertNotNull(image, name + ": neither build nor image");
                int colon = image.lastIndexOf(':');
                assertTrue(colon > 0 && !image.substring(colon + 1).equals("latest"),
                        name + ": image without a pinned tag: " + image);
                String repository = image.substring(0, colon);
                assertTrue(ALLOWED_IMAGES.contains(repository),
                        name + ": image " + image + " is neither built here nor an allowed official image " + ALLOWED_IMAGES);
            }
            for (JsonNode envFile : s.path("env_file")) {
                assertTrue(Files.isRegularFile(root.resolve(envFile.asText())), name + ": missing env_file " + envFile);
            }
            for (JsonNode volume : s.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(root.resolve(source)), name + ": missing bind-mounted " + source);
                } else {
                    assertTrue(compose.path("volumes").has(source), name + ": volume " + source + " is not a named volume");
                }
            }
            assertEquals(List.of("servicecatalog"), texts(s.path("networks")), name + ": not on the one network");
        }
    }

    static Set<String> builtServices() {
        Set<String> built = new TreeSet<>();
        compose.path("services").fields().forEachRemaining(e -> {
            if (e.getValue().has("build")) {
                built.add(e.getKey());
            }
        });
        return built;
    }

    // ------------------------------------------------------------------------------ (c) wiring

    @Test
    void portsAndHealthChecksMatchTheServicesHttpPort() {
        SERVICES.forEach((name, module) -> {
            JsonNode s = service(name);
            String port = properties(module).get("quarkus.http.port");
            assertNotNull(port, module + ": no quarkus.http.port");
            assertEquals(List.of(port + ":" + port), texts(s.path("ports")), name + ": published port");
            String check = String.join(" ", texts(s.path("healthcheck").path("test")));
            assertTrue(check.contains("/dev/tcp/127.0.0.1/" + port + " ") && check.contains("GET /q/health/ready "),
                    name + ": health check is not Quarkus readiness on :" + port + ": " + check);
            assertFalse(s.path("healthcheck").path("retries").isMissingNode(), name + ": health check without retries");
        });
    }

    @Test
    void environmentVariablesAreConfigurationKeysOfTheirService() {
        SERVICES.forEach((name, module) -> {
            Map<String, String> byEnvName = new LinkedHashMap<>();
            for (String key : keysOf(module)) {
                byEnvName.put(envName(key), key);
            }
            STANDARD_QUARKUS_KEYS.forEach(k -> byEnvName.putIfAbsent(envName(k), k));
            Map<String, String> env = environment(name);
            Set<String> configured = new HashSet<>();
            env.keySet().forEach(var -> {
                if (IMAGE_ENV.contains(var)) {
                    return;
                }
                String key = byEnvName.get(var);
                assertNotNull(key, name + ": " + var + " is no configuration key of " + module
                        + " (application.properties) nor a standard Quarkus key");
                configured.add(key);
            });
            for (String required : REQUIRED_KEYS.get(name)) {
                assertTrue(configured.contains(required), name + ": " + required + " (" + envName(required)
                        + ") is not set, though LocalStack.systemPropertiesFor sets it");
            }
        });
    }

    @Test
    void credentialsKeyGoesToBrokerGatewayAndCredentialInjectorOnly() {
        Set<String> holders = new TreeSet<>();
        compose.path("services").fieldNames().forEachRemaining(name -> {
            if (environment(name).containsKey("SERVICECATALOG_CREDENTIALS_KEY")) {
                holders.add(name);
            }
            assertFalse(service(name).path("environment").has("SERVICECATALOG_CREDENTIALS_KEY"),
                    name + ": the key belongs in compose/credentials.env, not inline");
        });
        assertEquals(new TreeSet<>(Set.of(LocalStack.BROKER_GATEWAY, LocalStack.CREDENTIAL_INJECTOR)), holders);
        String key = environment(LocalStack.BROKER_GATEWAY).get("SERVICECATALOG_CREDENTIALS_KEY");
        assertEquals(32, java.util.Base64.getDecoder().decode(key).length, "not an AES-256 key");
    }

    @Test
    void urlsPointAtComposeServicesOnTheirPortsAndStartOrderCoversThem() {
        Map<String, String> httpPorts = new LinkedHashMap<>();
        SERVICES.forEach((name, module) -> httpPorts.put(name, properties(module).get("quarkus.http.port")));
        Set<String> kafkaListenerPorts = new HashSet<>();
        Matcher listener = Pattern.compile("PLAINTEXT://kafka:(\\d+)")
                .matcher(environment("kafka").getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
        while (listener.find()) {
            kafkaListenerPorts.add(listener.group(1));
        }
        assertFalse(kafkaListenerPorts.isEmpty(), "kafka advertises no PLAINTEXT listener on host kafka");
        Pattern hostPort = Pattern.compile("(?:^|//|,)([a-z][a-z0-9-]*):(\\d+)");
        SERVICES.keySet().forEach(name -> {
            Set<String> needed = new TreeSet<>();
            environment(name).forEach((var, value) -> {
                Matcher m = hostPort.matcher(value);
                while (m.find()) {
                    String host = m.group(1);
                    String port = m.group(2);
                    if (!compose.path("services").has(host)) {
                        continue; // e.g. jdbc:postgresql: scheme prefixes, or an external address
                    }
                    if (httpPorts.containsKey(host)) {
                        assertEquals(httpPorts.get(host), port, name + ": " + var + " calls " + host + " on the wrong port");
                    }
                    if (host.equals("kafka")) {
                        assertTrue(kafkaListenerPorts.contains(port), name + ": " + var + " not a kafka listener: " + value);
                    }
                    if (host.equals("postgres")) {
                        assertEquals("5432", port);
                    }
                    if (host.equals("mariadb")) {
                        assertEquals("3306", port);
                    }
                    if (DEPENDENCY_OF_HOST.containsKey(host)) {
                        needed.add(DEPENDENCY_OF_HOST.get(host));
                    }
                }
            });
            Set<String> declared = new TreeSet<>();
            service(name).path("depends_on").fields().forEachRemaining(
                    d -> declared.add(d.getKey() + "=" + d.getValue().path("condition").asText()));
            assertTrue(declared.containsAll(needed), name + ": depends_on " + declared + " does not cover " + needed);
            // nothing depends on a service of an optional profile (it would not start without it)
            declared.forEach(d -> assertFalse(service(d.split("=")[0]).has("profiles"),
                    name + ": depends on a profile-only service: " + d));
        });
    }

    @Test
    void kafkaTopicsAreCreatedAsInTheTests() {
        String script = String.join("\n", texts(service("kafka-topics").path("command")));
        assertEquals("false", environment("kafka").get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
        for (Topics.Spec spec : Topics.ALL) {
            Matcher m = Pattern.compile("--topic " + Pattern.quote(spec.name()) + " --partitions (\\d+)([^\\n]*)")
                    .matcher(script);
            assertTrue(m.find(), "topic " + spec.name() + " is not created by kafka-topics");
            assertEquals(spec.partitions(), Integer.parseInt(m.group(1)), spec.name() + ": partitions");
            spec.configs().forEach((k, v) -> assertTrue(m.group(2).contains("--config " + k + "=" + v),
                    spec.name() + ": missing --config " + k + "=" + v));
        }
    }

    // ------------------------------------------------------------------------------ helpers

    static JsonNode service(String name) {
        JsonNode s = compose.path("services").path(name);
        assertTrue(s.isObject(), "no service " + name + " in docker-compose.yml");
        return s;
    }

    /** A service's environment: its env_files, then its environment (map or KEY=VALUE list form). */
    static Map<String, String> environment(String name) {
        JsonNode s = service(name);
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode file : s.path("env_file")) {
            for (String line : read(root.resolve(file.asText())).split("\n")) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#") && line.contains("=")) {
                    env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
        }
        JsonNode e = s.path("environment");
        if (e.isArray()) {
            for (JsonNode kv : e) {
                String t = kv.asText();
                int eq = t.indexOf('=');
                env.put(eq < 0 ? t : t.substring(0, eq), eq < 0 ? "" : t.substring(eq + 1));
            }
        } else {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        }
        return env;
    }

    /** Quarkus' environment variable name of a key: every character other than letters and digits becomes "_". */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static final Pattern KEY_LINE = Pattern.compile("^#?\\s*(?:%[\\w-]+\\.)?([a-zA-Z][\\w.\\-\"]*)\\s*=(.*)$");

    /** Keys of a module's application.properties, profile prefixes stripped; commented-out keys ("#key=") count. */
    static Set<String> keysOf(String module) {
        return properties(module).keySet();
    }

    static Map<String, String> properties(String module) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : read(root.resolve(module).resolve("src/main/resources/application.properties")).split("\n")) {
            Matcher m = KEY_LINE.matcher(line.strip());
            if (m.matches()) {
                boolean active = !line.strip().startsWith("#") && !line.strip().startsWith("%");
                if (active || !keys.containsKey(m.group(1))) {
                    keys.put(m.group(1), m.group(2).strip());
                }
            }
        }
        return keys;
    }

    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isObject()) {
            node.fieldNames().forEachRemaining(out::add);
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
