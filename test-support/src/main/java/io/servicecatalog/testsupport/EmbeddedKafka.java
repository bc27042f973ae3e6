package io.servicecatalog.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A single-node Kafka (KRaft, combined broker + controller) running inside this JVM.
 *
 * <p>Why in-process: there is no Docker here, and a real broker from the {@code kafka_2.13}
 * artifact is the same code the product talks to in production, so the services exercise the
 * real protocol (consumer groups, rebalances, compaction) rather than an imitation. Running it
 * in the launcher JVM avoids shipping a Kafka distribution and starts in a few seconds.
 *
 * <p>The broker is tuned for one node on a small machine: replication factor 1 for internal
 * topics, no initial rebalance delay (services and tests see their partitions immediately),
 * no topic auto-creation (see {@link Topics}), a small log-cleaner buffer and few threads.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final int port;
    private final int controllerPort;
    private int sslPort = -1;
    private Path sslKeyStore;
    private String sslKeyStorePassword;
    private Path dataDir;
    private KafkaRaftServer server;

    /** Broker on random free ports. */
    public EmbeddedKafka() {
        this(0, 0);
    }

    /**
     * @param port           PLAINTEXT listener port on 127.0.0.1, 0 for a random free port
     * @param controllerPort CONTROLLER listener port on 127.0.0.1, 0 for a random free port
     */
    public EmbeddedKafka(int port, int controllerPort) {
        this.port = port == 0 ? Ports.free() : port;
        int cp = controllerPort == 0 ? Ports.free() : controllerPort;
        while (cp == this.port) {
            cp = Ports.free();
        }
        this.controllerPort = cp;
    }

    /**
     * Adds an SSL listener on a free port of 127.0.0.1 (next to the PLAINTEXT one, which stays for
     * inter-broker traffic and admin tools), serving the certificate of a PKCS12 key store.
     * Clients connect to {@link #sslBootstrapServers()} with {@code security.protocol=SSL} and a
     * trust store holding the certificate's CA. Call before {@link #start()}.
     */
    public synchronized EmbeddedKafka withSslListener(Path pkcs12KeyStore, String password) {
        if (server != null) {
            throw new IllegalStateException("Kafka already started");
        }
        int p = Ports.free();
        while (p == port || p == controllerPort) {
            p = Ports.free();
        }
        this.sslPort = p;
        this.sslKeyStore = pkcs12KeyStore.toAbsolutePath();
        this.sslKeyStorePassword = password;
        return this;
    }

    /**
     * Formats a fresh log directory and starts the broker; returns once it answers metadata
     * requests. After {@link #stop()} it starts again on the same ports with the data kept
     * (topics, committed offsets, records), like a restarted broker process.
     */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("Kafka already started");
        }
        Ports.requireFree(port, "Kafka");
        Ports.requireFree(controllerPort, "the Kafka controller");
        if (sslPort > 0) {
            Ports.requireFree(sslPort, "the Kafka SSL listener");
        }
        try {
            boolean restart = dataDir != null;
            if (!restart) {
                dataDir = Files.createTempDirectory("servicecatalog-kafka-");
            }
            Properties props = brokerProperties(dataDir.resolve("logs"));
            if (!restart) {
                format(props);
            }
            KafkaRaftServer raftServer = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server = raftServer;
            raftServer.startup();
            awaitBrokerUp(Duration.ofSeconds(60));
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Could not prepare Kafka data directory", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Properties brokerProperties(Path logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        if (sslPort > 0) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SSL://127.0.0.1:" + sslPort
                    + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SSL://127.0.0.1:" + sslPort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT");
            p.put("listener.name.ssl.ssl.keystore.type", "PKCS12");
            p.put("listener.name.ssl.ssl.keystore.location", sslKeyStore.toString());
            p.put("listener.name.ssl.ssl.keystore.password", sslKeyStorePassword);
            p.put("listener.name.ssl.ssl.key.password", sslKeyStorePassword);
        } else {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        // 50 partitions by default; fewer makes the first consumer-group join noticeably faster.
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB dedupe buffer would be allocated eagerly in the launcher's heap.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        return p;
    }

    /**
     * Formats the storage directory like {@code kafka-storage.sh format}. We call
     * {@code StorageTool.execute} rather than {@code main}, because {@code main} ends with
     * {@code System.exit}, which would take the whole launcher down.
     */
    private void format(Properties props) throws IOException {
        Path config = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "servicecatalog local-stack embedded Kafka");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int rc;
        try (PrintStream printStream = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {
                    "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString() },
                    printStream);
        }
        if (rc != 0) {
            throw new IllegalStateException("Formatting Kafka storage failed (rc=" + rc + "): "
                    + buffer.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitBrokerUp(Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for Kafka", e);
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka did not come up within " + timeout, e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka did not come up within " + timeout);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for Kafka", e);
                }
            }
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:<ssl port>}; only with {@link #withSslListener}. */
    public synchronized String sslBootstrapServers() {
        if (sslPort < 0) {
            throw new IllegalStateException("no SSL listener configured (withSslListener)");
        }
        return "127.0.0.1:" + sslPort;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Creates the product topics ({@link Topics#ALL}); returns the names actually created. */
    public Set<String> createTopics() {
        return createTopics(Topics.ALL);
    }

    /** Creates the given topics if missing; returns the names actually created. */
    public Set<String> createTopics(Collection<Topics.Spec> specs) {
        if (!isRunning()) {
            throw new IllegalStateException("Kafka is not running");
        }
        return Topics.ensure(bootstrapServers(), specs);
    }

    /**
     * Shuts the broker down and waits for it, keeping its data directory, so that {@link #start()}
     * brings the same broker back (what a fault test needs for "restart Kafka"). Idempotent.
     */
    public synchronized void stop() {
        KafkaRaftServer s = server;
        server = null;
        if (s != null) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (RuntimeException e) {
                System.err.println("[local-stack] Kafka shutdown: " + e);
            }
        }
    }

    /** {@link #stop()} then {@link #start()}: same ports, same data. */
    public synchronized EmbeddedKafka restart() {
        stop();
        return start();
    }

    /** Shuts the broker down, waits for it, and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        stop();
        if (dataDir != null) {
            deleteRecursively(dataDir);
            dataDir = null;
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + "]";
    }
}
