package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole product on one machine without Docker: PostgreSQL (external or embedded),
 * Kafka (in-process KRaft, or external), a Kubernetes API stand-in (or an external API server)
 * and the services (k8s-syncer last) as separate JVMs, started in dependency order and each awaited until
 * ready.
 *
 * <p>Two uses: {@link #main} for "run it locally" (fixed ports, banner, blocks until Ctrl-C),
 * and the builder API for the end-to-end test (random ports, throw-away database):
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().randomPorts(true).databaseName("sc_e2e_x").build()) {
 *     stack.start();
 *     stack.service(LocalStack.BROKER_GATEWAY).kill();
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    public static final String CATALOG_API = "catalog-api";
    public static final String BROKER_GATEWAY = "broker-gateway";
    public static final String CREDENTIAL_INJECTOR = "credential-injector";
    public static final String MARIADB_BROKER = "mariadb-broker";
    /** Keeps the custom resources in the Kubernetes API and catalog-api in step (kubectl's way in). */
    public static final String K8S_SYNCER = "k8s-syncer";
    /** All services, in start order (each depends only on the ones before it). */
    public static final List<String> SERVICES =
            List.of(CATALOG_API, BROKER_GATEWAY, CREDENTIAL_INJECTOR, MARIADB_BROKER, K8S_SYNCER);

    public static final String CATALOG_API_REST_PATH = "/apis/servicecatalog.k8s.io/v1beta1";
    public static final String DEFAULT_DATABASE = "servicecatalog";
    /** catalog-api's users in a local stack besides the services: an admin, and a developer of namespace "default". */
    public static final String ADMIN = "admin";
    public static final String DEVELOPER = "developer";
    public static final String ROOT_PROPERTY = "servicecatalog.root";

    /** Fixed ports of a local run. */
    public static final Map<String, Integer> DEFAULT_PORTS = Map.of(
            CATALOG_API, 8080, BROKER_GATEWAY, 8081, CREDENTIAL_INJECTOR, 8082, MARIADB_BROKER, 8090, K8S_SYNCER, 8083);
    public static final int DEFAULT_KUBERNETES_PORT = 8001;
    /** catalog-api's HTTPS port for kubectl, which sends its token over TLS only. */
    public static final int DEFAULT_CATALOG_API_TLS_PORT = 8443;
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;

    private static final Map<String, String> MODULE_DIRS = Map.of(
            CATALOG_API, "catalog-api",
            BROKER_GATEWAY, "broker-gateway",
            CREDENTIAL_INJECTOR, "credential-injector",
            MARIADB_BROKER, "examples/mariadb-broker",
            K8S_SYNCER, "k8s-syncer");
    private static final String SERVICE_JAR = "target/quarkus-app/quarkus-run.jar";

    // configuration (immutable after build)
    private final Path root;
    private final Path logDir;
    private final String databaseName;
    private final boolean keepDatabase;
    private final Postgres givenPostgres;
    private final String externalKafka;
    private final String externalKubernetes;
    private final Map<String, Integer> ports;
    private final boolean randomPorts;
    private final int kubernetesPort;
    private final int catalogApiTlsPort;
    private final int kafkaPort;
    private final int kafkaControllerPort;
    private final List<String> servicesToStart;
    private final Map<String, Map<String, String>> extraProperties;
    private final List<String> jvmOptions;
    private final Map<String, List<String>> jvmOptionsByService;
    private final Duration readyTimeout;
    private final String mariaDbHost;
    private final int mariaDbPort;
    private final String mariaDbUser;
    private final String mariaDbPassword;
    private final String brokerUsername;
    private final String brokerPassword;
    private final String credentialsKey;
    /** Bearer tokens for catalog-api, fresh for each run: "admin", "developer" and one per service. */
    private final Map<String, String> tokens;

    // running state
    private final Object lock = new Object();
    private volatile boolean closed;
    private volatile boolean infrastructureStarted;
    private volatile Postgres postgres;
    private volatile boolean ownsPostgres;
    private volatile boolean databaseCreated;
    private volatile EmbeddedKafka kafka;
    private volatile KubernetesApiStandIn standIn;
    private volatile Path tokenDir;
    private final Map<String, ServiceProcess> processes = Collections.synchronizedMap(new LinkedHashMap<>());

    private LocalStack(Builder b) {
        this.root = b.root;
        this.logDir = (b.logDir != null ? b.logDir
                : (root != null ? root.resolve("local-stack/target/local-stack-logs") : Path.of("target/local-stack-logs")))
                .toAbsolutePath().normalize();
        this.databaseName = b.databaseName;
        this.keepDatabase = b.keepDatabase;
        this.givenPostgres = b.postgres;
        this.externalKafka = b.externalKafka;
        this.externalKubernetes = b.externalKubernetes;
        Map<String, Integer> p = new HashMap<>();
        for (String s : SERVICES) {
            Integer explicit = b.ports.get(s);
            p.put(s, explicit != null ? explicit : b.randomPorts ? Ports.free() : DEFAULT_PORTS.get(s));
        }
        // Mutable: a random port taken by someone else before its service starts is replaced.
        this.ports = new java.util.concurrent.ConcurrentHashMap<>(p);
        this.randomPorts = b.randomPorts;
        this.kubernetesPort = b.kubernetesPort != null ? b.kubernetesPort : b.randomPorts ? 0 : DEFAULT_KUBERNETES_PORT;
        this.catalogApiTlsPort = b.randomPorts ? Ports.free() : DEFAULT_CATALOG_API_TLS_PORT;
        this.kafkaPort = b.kafkaPort != null ? b.kafkaPort : b.randomPorts ? 0 : DEFAULT_KAFKA_PORT;
        this.kafkaControllerPort = b.kafkaControllerPort != null ? b.kafkaControllerPort
                : b.randomPorts ? 0 : DEFAULT_KAFKA_CONTROLLER_PORT;
        this.servicesToStart = List.copyOf(b.services);
        Map<String, Map<String, String>> extra = new HashMap<>();
        b.extraProperties.forEach((k, v) -> extra.put(k, Map.copyOf(v)));
        this.extraProperties = Map.copyOf(extra);
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.jvmOptionsByService = Map.copyOf(b.jvmOptionsByService);
        this.readyTimeout = b.readyTimeout;
        this.mariaDbHost = b.mariaDbHost;
        this.mariaDbPort = b.mariaDbPort;
        this.mariaDbUser = b.mariaDbUser;
        this.mariaDbPassword = b.mariaDbPassword;
        this.brokerUsername = b.brokerUsername;
        this.brokerPassword = b.brokerPassword;
        this.credentialsKey = b.credentialsKey != null ? b.credentialsKey : randomAesKey();
        Map<String, String> t = new LinkedHashMap<>();
        for (String who : List.of(ADMIN, DEVELOPER, BROKER_GATEWAY, CREDENTIAL_INJECTOR, K8S_SYNCER)) {
            t.put(who, randomToken());
        }
        this.tokens = Map.copyOf(t);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts the infrastructure and then the selected services, each awaited until ready. */
    public LocalStack start() {
        try {
            requireJars(servicesToStart);
            startInfrastructure();
            for (String service : servicesToStart) {
                startService(service);
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts PostgreSQL (or connects to the external one) and creates the database fresh,
     * starts Kafka and creates the topics, and starts the Kubernetes stand-in - or uses the
     * external Kafka / API server when configured. One line per piece on stdout.
     */
    public LocalStack startInfrastructure() {
        synchronized (lock) {
            checkOpen();
            if (infrastructureStarted) {
                return this;
            }
            infrastructureStarted = true;
        }
        // PostgreSQL
        Postgres pg = givenPostgres;
        if (pg == null) {
            pg = Postgres.fromEnvironment();
            ownsPostgres = true;
        }
        postgres = pg;
        checkOpen();
        pg.recreateDatabase(databaseName);
        databaseCreated = true;
        say("PostgreSQL: " + pg.describe() + ", database '" + databaseName + "' (created fresh)");

        // Kafka
        checkOpen();
        if (externalKafka != null) {
            Set<String> created = Topics.ensure(externalKafka, Topics.ALL);
            say("Kafka: external at " + externalKafka + " (topics created: " + (created.isEmpty() ? "none, all existed" : created) + ")");
        } else {
            long t0 = System.nanoTime();
            EmbeddedKafka k = new EmbeddedKafka(kafkaPort, kafkaControllerPort);
            kafka = k;
            k.start();
            k.createTopics();
            say("Kafka: embedded (in-process KRaft) at " + k.bootstrapServers() + ", topics created, "
                    + millisSince(t0) + " ms");
        }

        // Kubernetes API
        checkOpen();
        if (externalKubernetes != null) {
            say("Kubernetes API: external at " + externalKubernetes);
        } else {
            long t0 = System.nanoTime();
            KubernetesApiStandIn s = new KubernetesApiStandIn(kubernetesPort);
            standIn = s;
            s.start();
            int crds = installCrds(s);
            say("Kubernetes API: embedded stand-in (Fabric8 mock server, CRUD mode) at " + s.url() + ", "
                    + (crds > 0 ? crds + " CRDs from k8s/crds installed, " : "") + millisSince(t0) + " ms");
        }
        checkOpen();
        return this;
    }

    /**
     * Starts one service (infrastructure must be up) and waits until it is ready. Services
     * should be started in {@link #SERVICES} order; this is not enforced.
     */
    public ServiceProcess startService(String service) {
        requireKnown(service);
        if (!infrastructureStarted) {
            throw new IllegalStateException("Start the infrastructure first (start() or startInfrastructure())");
        }
        checkOpen();
        if (MARIADB_BROKER.equals(service)) {
            checkMariaDb();
        }
        ServiceProcess process;
        synchronized (lock) {
            checkOpen();
            ServiceProcess existing = processes.get(service);
            if (existing != null && existing.isAlive()) {
                throw new IllegalStateException(service + " is already running");
            }
            if (randomPorts && existing == null && !Ports.isFree(ports.get(service))) {
                // Another process (often an outgoing connection's ephemeral port) took it meanwhile.
                ports.put(service, Ports.free());
            }
            process = ServiceProcess.builder(service)
                    .jar(serviceJar(service))
                    .workingDir(moduleDir(service))
                    .port(ports.get(service))
                    .jvmOptions(jvmOptionsByService.getOrDefault(service, jvmOptions))
                    .systemProperties(systemPropertiesFor(service))
                    .logDir(logDir)
                    .build();
            processes.put(service, process);
            process.start();
        }
        long t0 = System.nanoTime();
        process.awaitReady(readyTimeout);
        say(service + ": ready at " + process.url() + " (pid " + process.pid() + ", " + millisSince(t0)
                + " ms, log " + process.logFile() + ")");
        return process;
    }

    /** Stops services (reverse order), stand-in, Kafka; drops the database unless kept; stops embedded PostgreSQL. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            List<ServiceProcess> running;
            synchronized (processes) {
                running = new ArrayList<>(processes.values());
            }
            Collections.reverse(running);
            for (ServiceProcess p : running) {
                quietly("stop " + p.name(), p::stop);
            }
            KubernetesApiStandIn s = standIn;
            if (s != null) {
                quietly("stop Kubernetes stand-in", s::close);
            }
            EmbeddedKafka k = kafka;
            if (k != null) {
                quietly("stop Kafka", k::close);
            }
            Postgres pg = postgres;
            if (pg != null && databaseCreated && !keepDatabase && !(ownsPostgres && pg.isEmbedded())) {
                // an embedded server is thrown away as a whole; no need to drop first
                quietly("drop database " + databaseName, () -> pg.dropDatabase(databaseName));
            }
            if (pg != null && ownsPostgres) {
                quietly("stop PostgreSQL", pg::close);
            }
            Path dir = tokenDir;
            if (dir != null) {
                quietly("delete the token files", () -> deleteTree(dir));
            }
        }
    }

    // ------------------------------------------------------------------ configuration of services

    /**
     * The {@code -D} system properties a service is started with: the standard Quarkus keys
     * pointing at this stack's infrastructure, then the extra properties given to the builder
     * (which win). Available once the infrastructure is started.
     */
    public Map<String, String> systemPropertiesFor(String service) {
        requireKnown(service);
        Postgres pg = postgres;
        if (pg == null) {
            throw new IllegalStateException("Infrastructure not started");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.port", String.valueOf(ports.get(service)));
        if (service.equals(CATALOG_API) || service.equals(BROKER_GATEWAY)) {
            p.put("quarkus.datasource.reactive.url", pg.reactiveUrl(databaseName));
            p.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(databaseName));
            p.put("quarkus.datasource.username", pg.user());
            p.put("quarkus.datasource.password", pg.password());
        }
        if (!service.equals(MARIADB_BROKER) && !service.equals(K8S_SYNCER)) {
            p.put("kafka.bootstrap.servers", kafkaBootstrap());
        }
        if (service.equals(K8S_SYNCER)) {
            // the Kubernetes API as broker-gateway gets it, and catalog-api to sync with
            p.put("quarkus.kubernetes-client.api-server-url", kubernetesApiUrl());
            p.put("quarkus.kubernetes-client.trust-certs", "true");
            p.put("quarkus.kubernetes-client.namespace", KubernetesApiStandIn.DEFAULT_NAMESPACE);
            p.put("servicecatalog.catalog-api.url", catalogApiUrl());
        }
        if (service.equals(BROKER_GATEWAY) || service.equals(CREDENTIAL_INJECTOR)) {
            p.put("quarkus.kubernetes-client.api-server-url", kubernetesApiUrl());
            p.put("quarkus.kubernetes-client.trust-certs", "true");
            p.put("quarkus.kubernetes-client.namespace", KubernetesApiStandIn.DEFAULT_NAMESPACE);
            p.put("servicecatalog.credentials.key", credentialsKey);
        }
        if (service.equals(BROKER_GATEWAY) || service.equals(CREDENTIAL_INJECTOR)) {
            // the injector also calls catalog-api (its default is :8080, wrong with random ports)
            p.put("servicecatalog.catalog-api.url", catalogApiUrl());
        }
        // catalog-api authenticates every caller: its token file, and each client's own token (a
        // file, so that no token shows in a process listing)
        if (service.equals(CATALOG_API)) {
            p.put("servicecatalog.auth.token-file", tokenFile(CATALOG_API).toString());
            // HTTPS too, for kubectl (it sends a token over TLS only); PEM files, so no password
            p.put("quarkus.http.ssl-port", String.valueOf(catalogApiTlsPort));
            p.put("quarkus.http.ssl.certificate.files", catalogApiCertificate().toString());
            p.put("quarkus.http.ssl.certificate.key-files",
                    catalogApiCertificate().resolveSibling("catalog-api-key.pem").toString());
        }
        if (service.equals(BROKER_GATEWAY) || service.equals(CREDENTIAL_INJECTOR) || service.equals(K8S_SYNCER)) {
            p.put("servicecatalog.catalog-api.token-file", tokenFile(service).toString());
        }
        if (service.equals(MARIADB_BROKER)) {
            p.put("broker.username", brokerUsername);
            p.put("broker.password", brokerPassword);
            p.put("quarkus.datasource.jdbc.url", "jdbc:mariadb://" + mariaDbHost + ":" + mariaDbPort + "/");
            p.put("quarkus.datasource.username", mariaDbUser);
            p.put("quarkus.datasource.password", mariaDbPassword);
        }
        p.putAll(extraProperties.getOrDefault(service, Map.of()));
        return p;
    }

    /** Fails before any infrastructure is started if a service jar has not been built. */
    private void requireJars(Collection<String> services) {
        List<String> missing = new ArrayList<>();
        for (String s : services) {
            Path jar = serviceJar(s);
            if (!Files.isRegularFile(jar)) {
                missing.add(jar.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Service jar(s) not built: " + String.join(", ", missing)
                    + ". Build them first, e.g. `mvn -B package -DskipTests` in " + root);
        }
    }

    private void checkMariaDb() {
        if (Ports.isReachable(mariaDbHost, mariaDbPort, Duration.ofSeconds(2))) {
            say("MariaDB: external at " + mariaDbHost + ":" + mariaDbPort + " (user " + mariaDbUser + ")");
        } else {
            say("WARNING: MariaDB is not reachable at " + mariaDbHost + ":" + mariaDbPort + ". " + MARIADB_BROKER
                    + " will start, but its provision/bind calls will fail. Install and start one with "
                    + "`apt-get install mariadb-server` and `service mariadb start`, or point to another with "
                    + "MARIADB_HOST / MARIADB_PORT (and MARIADB_USER / MARIADB_PASSWORD).");
        }
    }

    // ------------------------------------------------------------------ accessors

    /** Base URL of catalog-api, e.g. {@code http://127.0.0.1:8080}. */
    public String catalogApiUrl() {
        return "http://127.0.0.1:" + ports.get(CATALOG_API);
    }

    /** catalog-api over HTTPS (a certificate made for this run: {@link #catalogApiCertificate()}), for kubectl. */
    public String catalogApiTlsUrl() {
        return "https://127.0.0.1:" + catalogApiTlsPort;
    }

    /** The PEM certificate catalog-api serves HTTPS with, self-signed for 127.0.0.1 and localhost. */
    public Path catalogApiCertificate() {
        return tokenFile(CATALOG_API).resolveSibling("catalog-api-cert.pem");
    }

    /** catalog-api REST base, e.g. {@code http://127.0.0.1:8080/apis/servicecatalog.k8s.io/v1beta1}. */
    public String catalogApiRestBase() {
        return catalogApiUrl() + CATALOG_API_REST_PATH;
    }

    public String brokerGatewayUrl() {
        return "http://127.0.0.1:" + ports.get(BROKER_GATEWAY);
    }

    public String credentialInjectorUrl() {
        return "http://127.0.0.1:" + ports.get(CREDENTIAL_INJECTOR);
    }

    public String k8sSyncerUrl() {
        return "http://127.0.0.1:" + ports.get(K8S_SYNCER);
    }

    /** URL of the example OSB broker (mariadb-broker), e.g. {@code http://127.0.0.1:8090}. */
    public String brokerUrl() {
        return "http://127.0.0.1:" + ports.get(MARIADB_BROKER);
    }

    public String brokerUsername() {
        return brokerUsername;
    }

    public String brokerPassword() {
        return brokerPassword;
    }

    /** Port assigned to a service (known right after {@link Builder#build()}). */
    public int port(String service) {
        requireKnown(service);
        return ports.get(service);
    }

    /** The stand-in, or {@code null} when an external Kubernetes API is used. */
    public KubernetesApiStandIn kubernetes() {
        return standIn;
    }

    /** URL of the Kubernetes API the services use (stand-in or external). */
    public String kubernetesApiUrl() {
        if (externalKubernetes != null) {
            return externalKubernetes;
        }
        KubernetesApiStandIn s = standIn;
        if (s == null) {
            throw new IllegalStateException("Infrastructure not started");
        }
        return s.url();
    }

    /** Kafka bootstrap servers the services use (embedded or external). */
    public String kafkaBootstrap() {
        if (externalKafka != null) {
            return externalKafka;
        }
        EmbeddedKafka k = kafka;
        if (k == null) {
            throw new IllegalStateException("Infrastructure not started");
        }
        return k.bootstrapServers();
    }

    /** The embedded broker, or {@code null} when an external Kafka is used. */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    public Postgres postgres() {
        return postgres;
    }

    public String databaseName() {
        return databaseName;
    }

    /** The bearer token of catalog-api's admin (group servicecatalog:admins) for this run. */
    public String adminToken() {
        return tokens.get(ADMIN);
    }

    /** The bearer token of "developer", who may use namespace "default" only. */
    public String developerToken() {
        return tokens.get(DEVELOPER);
    }

    /**
     * A file holding a token, readable by this user only: {@code admin}, {@code developer} or a
     * service's name; {@code catalog-api} is catalog-api's token file (every user's token).
     */
    public Path tokenFile(String who) {
        synchronized (lock) {
            try {
                if (tokenDir == null) {
                    // beside the logs (not among them: logs get shared), where bin/run's users find
                    // them (README); readable by this user only
                    Path dir = Files.createDirectories(logDir.resolveSibling(logDir.getFileName() + "-tokens"));
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    StringBuilder csv = new StringBuilder(
                            "# catalog-api's users for this local stack run (kube-apiserver token-file format)\n");
                    tokens.forEach((user, token) -> csv.append(token).append(',').append(userName(user)).append(',')
                            .append(user).append(",\"").append(groupsOf(user)).append("\"\n"));
                    write(dir.resolve(CATALOG_API + "-tokens.csv"), csv.toString());
                    for (var e : tokens.entrySet()) {
                        write(dir.resolve(e.getKey() + ".token"), e.getValue());
                    }
                    selfSignedCertificate(dir);
                    tokenDir = dir;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the token files", e);
            }
            if (who.equals(CATALOG_API)) {
                return tokenDir.resolve(CATALOG_API + "-tokens.csv");
            }
            if (!tokens.containsKey(who)) {
                throw new IllegalArgumentException("no token for " + who + "; known: " + tokens.keySet());
            }
            return tokenDir.resolve(who + ".token");
        }
    }

    /** catalog-api's certificate and key as PEM files: keytool makes them, the JDK's KeyStore exports the key. */
    private static void selfSignedCertificate(Path dir) throws IOException {
        Path keystore = dir.resolve("catalog-api.p12");
        char[] password = randomToken().toCharArray();
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> cmd = List.of(keytool, "-genkeypair", "-alias", "catalog-api", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass:env", "SC_KEYSTORE_PASSWORD");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("SC_KEYSTORE_PASSWORD", new String(password));
            Process p = pb.start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool could not make catalog-api's certificate");
            }
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keystore)) {
                ks.load(in, password);
            }
            var mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            write(dir.resolve("catalog-api-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                    + mime.encodeToString(ks.getKey("catalog-api", password).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            write(dir.resolve("catalog-api-cert.pem"), "-----BEGIN CERTIFICATE-----\n"
                    + mime.encodeToString(ks.getCertificate("catalog-api").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making catalog-api's certificate", e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("could not read the certificate keytool made", e);
        } finally {
            Files.deleteIfExists(keystore);
        }
    }

    private static String userName(String who) {
        return who.equals(ADMIN) || who.equals(DEVELOPER) ? who : "system:servicecatalog:" + who;
    }

    private static String groupsOf(String who) {
        return switch (who) {
            case ADMIN -> "servicecatalog:admins";
            case DEVELOPER -> "servicecatalog:namespace:" + KubernetesApiStandIn.DEFAULT_NAMESPACE;
            case K8S_SYNCER -> "servicecatalog:system,servicecatalog:proxies";
            default -> "servicecatalog:system";
        };
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base64 AES-256 key shared by broker-gateway and credential-injector for this run. */
    public String credentialsKey() {
        return credentialsKey;
    }

    /** A started service's process handle (for kill/restart in tests). */
    public ServiceProcess service(String name) {
        requireKnown(name);
        ServiceProcess p = processes.get(name);
        if (p == null) {
            throw new IllegalStateException(name + " has not been started");
        }
        return p;
    }

    /** Started services by name, in start order. */
    public Map<String, ServiceProcess> services() {
        synchronized (processes) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(processes));
        }
    }

    public Path logDir() {
        return logDir;
    }

    /** Repository root the service jars are taken from ({@code null} if it could not be found). */
    public Path root() {
        return root;
    }

    /** {@code <root>/<module>/target/quarkus-app/quarkus-run.jar} */
    public Path serviceJar(String service) {
        return moduleDir(service).resolve(SERVICE_JAR);
    }

    private Path moduleDir(String service) {
        requireKnown(service);
        if (root == null) {
            throw new IllegalStateException("Repository root not found (looked for a directory containing catalog-api/ and pom.xml "
                    + "above the working directory and this jar); set -D" + ROOT_PROPERTY + "=<path>");
        }
        return root.resolve(MODULE_DIRS.get(service));
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Installs the CRDs of {@code <root>/k8s/crds/} in the stand-in, as {@code kubectl apply -k k8s/}
     * does in a cluster: the stand-in then knows which kinds are cluster-scoped and serves their
     * status subresource. Returns how many; 0 when the directory is absent.
     */
    private int installCrds(KubernetesApiStandIn s) {
        Path dir = root == null ? null : root.resolve("k8s").resolve("crds");
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".yml") || x.toString().endsWith(".yaml")).sorted().toList()) {
                try (var in = Files.newInputStream(f)) {
                    s.client().apiextensions().v1().customResourceDefinitions().load(in).create();
                    n++;
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not install the CRDs of " + dir + ": " + e.getMessage(), e);
        }
        return n;
    }

    private static void requireKnown(String service) {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("Unknown service '" + service + "', expected one of " + SERVICES);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("LocalStack was closed");
        }
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            System.err.println("[local-stack] " + what + " failed: " + e.getMessage());
        }
    }

    private static void say(String line) {
        System.out.println("[local-stack] " + line);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static String randomToken() {
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    private static String randomAesKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Repository root: {@code -Dservicecatalog.root}, else the first directory containing
     * {@code catalog-api/} and {@code pom.xml} walking up from the working directory, else
     * walking up from this jar's location (so {@code java -jar} works from anywhere).
     */
    public static Path findRoot() {
        String override = System.getProperty(ROOT_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        Path found = walkUpForRoot(Path.of("").toAbsolutePath());
        if (found == null) {
            try {
                var source = LocalStack.class.getProtectionDomain().getCodeSource();
                if (source != null) {
                    found = walkUpForRoot(Path.of(source.getLocation().toURI()));
                }
            } catch (URISyntaxException | RuntimeException ignored) {
                // fall through
            }
        }
        return found;
    }

    static Path walkUpForRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("catalog-api")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ builder

    /** Configuration; every setting has a default suitable for a local run. */
    public static final class Builder {
        private boolean randomPorts;
        private final Map<String, Integer> ports = new HashMap<>();
        private Integer kubernetesPort;
        private Integer kafkaPort;
        private Integer kafkaControllerPort;
        private String databaseName = DEFAULT_DATABASE;
        private boolean keepDatabase;
        private Postgres postgres;
        private String externalKafka;
        private String externalKubernetes;
        private Path root;
        private boolean rootSet;
        private Path logDir;
        private final Set<String> services = new LinkedHashSet<>(SERVICES);
        private final Map<String, Map<String, String>> extraProperties = new HashMap<>();
        private List<String> jvmOptions = ServiceProcess.DEFAULT_JVM_OPTIONS;
        private final Map<String, List<String>> jvmOptionsByService = new java.util.LinkedHashMap<>();
        private Duration readyTimeout = Duration.ofSeconds(120);
        private String mariaDbHost;
        private int mariaDbPort;
        private String mariaDbUser;
        private String mariaDbPassword;
        private String brokerUsername = "admin";
        private String brokerPassword = "changeme";
        private String credentialsKey;

        private Builder() {
            Map<String, String> env = System.getenv();
            mariaDbHost = env.getOrDefault("MARIADB_HOST", "127.0.0.1");
            mariaDbPort = Integer.parseInt(env.getOrDefault("MARIADB_PORT", "3306"));
            mariaDbUser = env.getOrDefault("MARIADB_USER", "root");
            mariaDbPassword = env.getOrDefault("MARIADB_PASSWORD", "");
        }

        /**
         * Applies the environment variables of a local run: {@code KAFKA_BOOTSTRAP_SERVERS}
         * (external Kafka), {@code KUBERNETES_API_URL} (external API server),
         * {@code SERVICECATALOG_DB_NAME}, and port overrides {@code SERVICECATALOG_CATALOG_API_PORT},
         * {@code _BROKER_GATEWAY_PORT}, {@code _CREDENTIAL_INJECTOR_PORT}, {@code _MARIADB_BROKER_PORT},
         * {@code _K8S_SYNCER_PORT},
         * {@code _KUBERNETES_PORT}, {@code _KAFKA_PORT}, {@code _KAFKA_CONTROLLER_PORT} (all prefixed
         * {@code SERVICECATALOG}), {@code SERVICECATALOG_LOG_DIR}, {@code SERVICECATALOG_SERVICES}
         * (comma-separated subset of {@link LocalStack#SERVICES} to run). PostgreSQL and MariaDB
         * variables are always honoured (see {@link Postgres#fromEnvironment()}).
         */
        public Builder fromEnvironment(Map<String, String> env) {
            for (String s : SERVICES) {
                String v = env.get("SERVICECATALOG_" + s.toUpperCase().replace('-', '_') + "_PORT");
                if (v != null && !v.isBlank()) {
                    port(s, Integer.parseInt(v.trim()));
                }
            }
            String v;
            if ((v = env.get("SERVICECATALOG_KUBERNETES_PORT")) != null && !v.isBlank()) {
                kubernetesPort(Integer.parseInt(v.trim()));
            }
            if ((v = env.get("SERVICECATALOG_KAFKA_PORT")) != null && !v.isBlank()) {
                kafkaPorts(Integer.parseInt(v.trim()), kafkaControllerPort != null ? kafkaControllerPort : DEFAULT_KAFKA_CONTROLLER_PORT);
            }
            if ((v = env.get("SERVICECATALOG_KAFKA_CONTROLLER_PORT")) != null && !v.isBlank()) {
                kafkaPorts(kafkaPort != null ? kafkaPort : DEFAULT_KAFKA_PORT, Integer.parseInt(v.trim()));
            }
            if ((v = env.get("KAFKA_BOOTSTRAP_SERVERS")) != null && !v.isBlank()) {
                externalKafka(v.trim());
            }
            if ((v = env.get("KUBERNETES_API_URL")) != null && !v.isBlank()) {
                externalKubernetes(v.trim());
            }
            if ((v = env.get("SERVICECATALOG_DB_NAME")) != null && !v.isBlank()) {
                databaseName(v.trim());
            }
            if ((v = env.get("SERVICECATALOG_LOG_DIR")) != null && !v.isBlank()) {
                logDir(Path.of(v.trim()));
            }
            if ((v = env.get("SERVICECATALOG_SERVICES")) != null) {
                services(java.util.Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
            }
            return this;
        }

        /** Random free ports for everything not set explicitly (tests); default: the fixed local ports. */
        public Builder randomPorts(boolean random) {
            this.randomPorts = random;
            return this;
        }

        public Builder port(String service, int port) {
            requireKnown(service);
            ports.put(service, port);
            return this;
        }

        public Builder kubernetesPort(int port) {
            this.kubernetesPort = port;
            return this;
        }

        public Builder kafkaPorts(int port, int controllerPort) {
            this.kafkaPort = port;
            this.kafkaControllerPort = controllerPort;
            return this;
        }

        /** Database for catalog-api and broker-gateway; dropped and created fresh at start. Default {@code servicecatalog}. */
        public Builder databaseName(String name) {
            this.databaseName = name;
            return this;
        }

        /** Keep the database on {@link LocalStack#close()} (default: drop it). */
        public Builder keepDatabase(boolean keep) {
            this.keepDatabase = keep;
            return this;
        }

        /** Use this PostgreSQL (not closed by the stack). Default: {@link Postgres#fromEnvironment()}. */
        public Builder postgres(Postgres postgres) {
            this.postgres = postgres;
            return this;
        }

        /** Use an existing Kafka instead of the embedded one; the topics are created if missing. */
        public Builder externalKafka(String bootstrapServers) {
            this.externalKafka = bootstrapServers;
            return this;
        }

        /** Use an existing Kubernetes API server instead of the stand-in. */
        public Builder externalKubernetes(String apiServerUrl) {
            this.externalKubernetes = apiServerUrl;
            return this;
        }

        /** Repository root holding the service modules; default: see {@link LocalStack#findRoot()}. */
        public Builder root(Path root) {
            this.root = root.toAbsolutePath().normalize();
            this.rootSet = true;
            return this;
        }

        /** Where {@code <service>.log} files go; default {@code <root>/local-stack/target/local-stack-logs}. */
        public Builder logDir(Path dir) {
            this.logDir = dir;
            return this;
        }

        /** Which services {@link LocalStack#start()} starts (kept in {@link LocalStack#SERVICES} order); default all. */
        public Builder services(Collection<String> names) {
            names.forEach(LocalStack::requireKnown);
            services.clear();
            for (String s : SERVICES) {
                if (names.contains(s)) {
                    services.add(s);
                }
            }
            return this;
        }

        /** Shorthand for {@link #services(Collection)}; no arguments = infrastructure only. */
        public Builder services(String... names) {
            return services(List.of(names));
        }

        /** Extra {@code -D} property for one service; overrides the computed ones. */
        public Builder serviceProperty(String service, String key, String value) {
            requireKnown(service);
            extraProperties.computeIfAbsent(service, k -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        public Builder serviceProperties(String service, Map<String, String> properties) {
            properties.forEach((k, v) -> serviceProperty(service, k, v));
            return this;
        }

        /** Same extra properties for several services, keyed by service name. */
        public Builder serviceProperties(Map<String, Map<String, String>> byService) {
            byService.forEach(this::serviceProperties);
            return this;
        }

        /** JVM options for every service (default {@link ServiceProcess#DEFAULT_JVM_OPTIONS}). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** JVM options of one service, instead of those of {@link #jvmOptions(List)}. */
        public Builder jvmOptions(String service, List<String> options) {
            this.jvmOptionsByService.put(service, List.copyOf(options));
            return this;
        }

        /** How long to wait for each service's readiness (default 120 s). */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /** MariaDB for the example broker; default 127.0.0.1:3306 root/"" or MARIADB_HOST/_PORT/_USER/_PASSWORD. */
        public Builder mariaDb(String host, int port, String user, String password) {
            this.mariaDbHost = host;
            this.mariaDbPort = port;
            this.mariaDbUser = user;
            this.mariaDbPassword = password == null ? "" : password;
            return this;
        }

        /** Basic-auth credentials of the example broker (default admin / changeme). */
        public Builder brokerCredentials(String username, String password) {
            this.brokerUsername = username;
            this.brokerPassword = password;
            return this;
        }

        /** Fixed base64 AES-256 key instead of a random one per run. */
        public Builder credentialsKey(String base64Key) {
            byte[] raw = Base64.getDecoder().decode(base64Key);
            if (raw.length != 32) {
                throw new IllegalArgumentException("credentials key must be 32 bytes, base64-encoded");
            }
            this.credentialsKey = base64Key;
            return this;
        }

        public LocalStack build() {
            if (!rootSet) {
                root = findRoot();
            }
            return new LocalStack(this);
        }
    }

    // ------------------------------------------------------------------ main

    /**
     * "Run the whole product locally": fixed ports, infrastructure embedded unless the
     * environment names external servers, all the services, a banner, then blocks until
     * Ctrl-C; a shutdown hook stops everything.
     */
    public static void main(String[] args) throws InterruptedException {
        LocalStack stack = builder().fromEnvironment(System.getenv()).keepDatabase(true).build();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("[local-stack] shutting down ...");
            stack.close();
            done.countDown();
        }, "local-stack-shutdown"));
        say("repository root: " + stack.root() + ", logs: " + stack.logDir());
        try {
            stack.start();
        } catch (RuntimeException e) {
            System.err.println("[local-stack] FAILED to start: " + e.getMessage());
            System.exit(1);
        }
        printBanner(stack);
        watch(stack, done);
    }

    private static void printBanner(LocalStack stack) {
        String k8s = stack.kubernetesApiUrl();
        String nl = System.lineSeparator();
        StringBuilder b = new StringBuilder(nl);
        b.append("==================== Service Catalog local stack is up ====================").append(nl);
        b.append(" catalog-api REST    ").append(stack.catalogApiRestBase()).append(nl);
        b.append(" broker-gateway      ").append(stack.brokerGatewayUrl()).append(nl);
        b.append(" credential-injector ").append(stack.credentialInjectorUrl()).append(nl);
        if (stack.services().containsKey(K8S_SYNCER)) {
            b.append(" k8s-syncer          ").append(stack.k8sSyncerUrl())
                    .append("  (custom resources in the Kubernetes API <-> catalog-api)").append(nl);
        }
        b.append(" example broker      ").append(stack.brokerUrl()).append("  (mariadb-broker, basic auth ")
                .append(stack.brokerUsername()).append(" / ").append(stack.brokerPassword()).append(')').append(nl);
        b.append(" Kubernetes API      ").append(k8s)
                .append(stack.kubernetes() != null ? "  (stand-in: plain HTTP, no auth, kubectl not supported)" : "")
                .append(nl);
        b.append("   read a Secret:    curl -s ").append(k8s).append("/api/v1/namespaces/default/secrets/NAME").append(nl);
        b.append(" catalog-api tokens  (fresh each run; every API request needs one)").append(nl);
        b.append("   admin:            curl -H \"Authorization: Bearer $(cat ").append(stack.tokenFile(ADMIN))
                .append(")\" ").append(stack.catalogApiRestBase()).append("/clusterservicebrokers").append(nl);
        b.append("   developer (namespace default): ").append(stack.tokenFile(DEVELOPER)).append(nl);
        b.append("   kubectl (TLS):    kubectl --server ").append(stack.catalogApiTlsUrl())
                .append(" --certificate-authority ").append(stack.catalogApiCertificate())
                .append(" --token \"$(cat ").append(stack.tokenFile(ADMIN)).append(")\" get serviceinstances").append(nl);
        b.append("   Marketplace:      paste a token into the page's Token field").append(nl);
        b.append(" Kafka               ").append(stack.kafkaBootstrap()).append(nl);
        b.append(" PostgreSQL          ").append(stack.postgres().jdbcUrl(stack.databaseName())).append(nl);
        b.append(" Logs                ").append(stack.logDir()).append("/<service>.log").append(nl);
        b.append(" Press Ctrl-C to stop everything.").append(nl);
        b.append("===========================================================================");
        System.out.println(b);
    }

    /** Blocks until shutdown; reports (once) a service that died unexpectedly. */
    private static void watch(LocalStack stack, CountDownLatch done) throws InterruptedException {
        Set<String> reported = new LinkedHashSet<>();
        while (!done.await(2, java.util.concurrent.TimeUnit.SECONDS)) {
            for (ServiceProcess p : stack.services().values()) {
                if (!p.isAlive() && reported.add(p.name()) && !stack.closed) {
                    System.err.println("[local-stack] " + p.name() + " exited (code " + p.exitCode() + "); last lines of "
                            + p.logFile() + ":" + System.lineSeparator() + p.tailLog(20));
                }
                if (p.isAlive()) {
                    reported.remove(p.name());
                }
            }
        }
    }
}
