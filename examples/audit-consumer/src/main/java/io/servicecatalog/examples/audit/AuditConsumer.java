package io.servicecatalog.examples.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the audit trail of the service catalog: topic {@code servicecatalog.audit}, one
 * CloudEvent 1.0 (structured JSON, {@code io.servicecatalog.model.events.AuditEvent} v1) per
 * record, keyed by the resource uid. Prints one line per event:
 *
 * <pre>
 * 2026-11-27T15:00:00.123Z  io.servicecatalog.instance.created  namespaces/default/serviceinstances/db  user=alice  result=Success
 * 2026-11-27T15:00:01.456Z  io.servicecatalog.osb.call  namespaces/default/serviceinstances/db  user=-  result=HTTP 201  osb=mariadb-broker provision PUT /v2/service_instances/...  (87 ms)  request=0f1c...
 * </pre>
 *
 * <p>Usage: {@code java -jar examples/audit-consumer/target/audit-consumer.jar [--from-beginning]
 * [--group ID] [--bootstrap-server HOST:PORT]}. The bootstrap servers default to {@code
 * KAFKA_BOOTSTRAP_SERVERS}, else {@code 127.0.0.1:9092}; TLS and other client settings come from
 * {@code KAFKA_*} variables as for the services ({@code KAFKA_SECURITY_PROTOCOL=SSL}, {@code
 * KAFKA_SSL_TRUSTSTORE_TYPE=PEM}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION=/the/ca.pem}). Without {@code --from-beginning} the
 * consumer group ({@code audit-consumer} unless given) resumes where it stopped, starting at the
 * newest event on its first run; with it, a throwaway group reads the whole retained trail.
 */
public final class AuditConsumer implements AutoCloseable {

    public static final String TOPIC = "servicecatalog.audit";
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    public static final String DEFAULT_GROUP = "audit-consumer";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;

    /**
     * @param groupId       consumer group; ignored when {@code fromBeginning} (a fresh group is used)
     * @param fromBeginning read the topic from its oldest retained event
     */
    public AuditConsumer(String bootstrapServers, String groupId, boolean fromBeginning) {
        this(bootstrapServers, groupId, fromBeginning, Map.of());
    }

    /** @param clientSettings further Kafka client settings, e.g. TLS ({@link #clientSettings(Map)}) */
    public AuditConsumer(String bootstrapServers, String groupId, boolean fromBeginning, Map<String, String> clientSettings) {
        Properties p = new Properties();
        p.putAll(clientSettings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, fromBeginning ? DEFAULT_GROUP + "-" + UUID.randomUUID() : groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, String.valueOf(!fromBeginning));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "audit-consumer");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(TOPIC));
    }

    /** Prints one line per event to {@code out} while {@code keepGoing} says so (or until {@link #wakeup()}). */
    public void follow(PrintStream out, BooleanSupplier keepGoing) {
        try {
            while (keepGoing.getAsBoolean()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.println(format(r.value()));
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // asked to stop
        }
    }

    /** Makes a running {@link #follow} return (thread-safe). */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /**
     * One readable line for one audit CloudEvent: time, type, subject, who ({@code
     * data.user.username}), result; then, where present, outcome and reason of an operation, the
     * OSB call (broker, operation, method, path, duration) and its request identity.
     */
    public static String format(String cloudEventJson) {
        JsonNode e;
        try {
            e = cloudEventJson == null ? null : JSON.readTree(cloudEventJson);
        } catch (Exception ex) {
            e = null;
        }
        if (e == null || !e.isObject()) {
            String raw = String.valueOf(cloudEventJson).replaceAll("\\s+", " ");
            return "(not an audit CloudEvent) " + (raw.length() > 120 ? raw.substring(0, 120) + "..." : raw);
        }
        JsonNode d = e.path("data");
        List<String> parts = new ArrayList<>();
        parts.add(text(e.path("time")));
        parts.add(text(e.path("type")));
        parts.add(text(e.path("subject")));
        parts.add("user=" + text(d.path("user").path("username")));
        parts.add("result=" + result(d));
        if (d.hasNonNull("outcome")) {
            parts.add("outcome=" + d.get("outcome").asText());
        }
        if (d.hasNonNull("reason")) {
            parts.add("reason=" + d.get("reason").asText());
        }
        if (d.hasNonNull("broker") || d.hasNonNull("method")) {
            StringBuilder osb = new StringBuilder("osb=").append(text(d.path("broker")));
            for (String f : List.of("operation", "method", "path")) {
                if (d.hasNonNull(f)) {
                    osb.append(' ').append(d.get(f).asText());
                }
            }
            if (d.hasNonNull("durationMs")) {
                osb.append(" (").append(d.get("durationMs").asLong()).append(" ms)");
            }
            parts.add(osb.toString());
        }
        if (d.hasNonNull("requestIdentity")) {
            parts.add("request=" + d.get("requestIdentity").asText());
        }
        return String.join("  ", parts);
    }

    /** data.result of API writes and outcomes; for OSB calls the HTTP status, or the error when none came back. */
    private static String result(JsonNode d) {
        if (d.hasNonNull("result")) {
            return d.get("result").asText();
        }
        if (d.hasNonNull("httpStatus")) {
            return "HTTP " + d.get("httpStatus").asText();
        }
        if (d.hasNonNull("error")) {
            return "error: " + d.get("error").asText();
        }
        return "-";
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? "-" : n.asText();
    }

    /**
     * Kafka client settings from the environment the way the services read them: {@code
     * KAFKA_SECURITY_PROTOCOL=SSL} is {@code security.protocol=SSL}, {@code
     * KAFKA_SSL_TRUSTSTORE_LOCATION} is {@code ssl.truststore.location}, and so on (every {@code
     * KAFKA_*} variable but the bootstrap servers, lower case, {@code _} as {@code .}).
     */
    public static Map<String, String> clientSettings(Map<String, String> env) {
        Map<String, String> settings = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !name.equals("KAFKA_BOOTSTRAP_SERVERS") && value != null && !value.isBlank()) {
                settings.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return settings;
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        String bootstrap = env == null || env.isBlank() ? DEFAULT_BOOTSTRAP : env;
        String group = DEFAULT_GROUP;
        boolean fromBeginning = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--from-beginning" -> fromBeginning = true;
                case "--group" -> group = value(args, ++i);
                case "--bootstrap-server" -> bootstrap = value(args, ++i);
                case "-h", "--help" -> {
                    System.out.println("usage: java -jar audit-consumer.jar [--from-beginning] [--group ID]"
                            + " [--bootstrap-server HOST:PORT]   (default: $KAFKA_BOOTSTRAP_SERVERS, else "
                            + DEFAULT_BOOTSTRAP + ")");
                    return;
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        System.err.println("[audit-consumer] following " + TOPIC + " on " + bootstrap
                + (fromBeginning ? " from the beginning" : " as group " + group) + " (Ctrl-C to stop)");
        Map<String, String> settings = clientSettings(System.getenv());
        if (!settings.isEmpty()) {
            System.err.println("[audit-consumer] Kafka client settings from the environment: " + settings.keySet());
        }
        AuditConsumer c = new AuditConsumer(bootstrap, group, fromBeginning, settings);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            c.wakeup();
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "audit-consumer-shutdown"));
        try {
            c.follow(System.out, running::get);
        } finally {
            c.close();
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("missing value after " + args[i - 1]);
            System.exit(2);
        }
        return args[i];
    }
}
