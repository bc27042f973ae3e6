package io.servicecatalog.examples.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.AuditEvent;
import io.servicecatalog.model.events.Topics;
import io.servicecatalog.testsupport.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example consumer against a real Kafka broker (in-process KRaft), with the services' event contract. */
class AuditConsumerTest {

    static final String UID = "6b1f6f8e-1d4c-4e0e-9a51-2f3f7b0c1a11";
    static final String SUBJECT = "namespaces/default/serviceinstances/mariadb-instance";

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafka().start();
        kafka.createTopics();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static AuditEvent event(String type, String time, ObjectNode data) {
        return new AuditEvent(AuditEvent.SPEC_VERSION, "id-" + time, "/test", type, SUBJECT, time,
                "application/json", AuditEvent.DATA_SCHEMA_V1, data);
    }

    static ObjectNode write(String user, String verb) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.putObject("user").put("username", user).putArray("groups").add("system:authenticated");
        d.put("verb", verb).put("kind", "ServiceInstance").put("namespace", "default")
                .put("name", "mariadb-instance").put("uid", UID).put("resourceVersion", "7").put("result", "Success");
        return d;
    }

    static ObjectNode osbCall() {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("broker", "mariadb-broker").put("operation", "provision").put("method", "PUT")
                .put("path", "/v2/service_instances/" + UID).put("requestIdentity", "req-42")
                .put("httpStatus", 202).put("durationMs", 87).put("uid", UID);
        return d;
    }

    static ObjectNode outcome() {
        ObjectNode d = write("alice", "update");
        d.put("operation", "PROVISION").put("outcome", "SUCCEEDED").put("requestIdentity", "req-42");
        return d;
    }

    static final List<AuditEvent> EVENTS = List.of(
            event("io.servicecatalog.instance.created", "2026-11-27T15:00:00.000Z", write("alice", "create")),
            event("io.servicecatalog.osb.call", "2026-11-27T15:00:01.000Z", osbCall()),
            event("io.servicecatalog.instance.provisioned", "2026-11-27T15:00:06.000Z", outcome()));

    static final List<String> EXPECTED = List.of(
            "2026-11-27T15:00:00.000Z  io.servicecatalog.instance.created  " + SUBJECT + "  user=alice  result=Success",
            "2026-11-27T15:00:01.000Z  io.servicecatalog.osb.call  " + SUBJECT + "  user=-  result=HTTP 202"
                    + "  osb=mariadb-broker provision PUT /v2/service_instances/" + UID + " (87 ms)  request=req-42",
            "2026-11-27T15:00:06.000Z  io.servicecatalog.instance.provisioned  " + SUBJECT
                    + "  user=alice  result=Success  outcome=SUCCEEDED  request=req-42");

    @Test
    void formatsEachKindOfEventOnOneLine() throws Exception {
        for (int i = 0; i < EVENTS.size(); i++) {
            assertEquals(EXPECTED.get(i), AuditConsumer.format(Json.MAPPER.writeValueAsString(EVENTS.get(i))));
        }
    }

    @Test
    void formatsFailuresAndOddRecords() {
        assertEquals("(not an audit CloudEvent) not json", AuditConsumer.format("not json"));
        assertEquals("-  io.servicecatalog.osb.call  -  user=-  result=error: connect timed out  osb=b1",
                AuditConsumer.format("{\"type\":\"io.servicecatalog.osb.call\",\"data\":{\"broker\":\"b1\","
                        + "\"httpStatus\":null,\"error\":\"connect timed out\"}}"));
        assertTrue(AuditConsumer.format("{\"type\":\"t\",\"data\":{\"result\":\"Failure\",\"reason\":\"ProvisionCallFailed\"}}")
                .endsWith("result=Failure  reason=ProvisionCallFailed"));
    }

    @Test
    void followsTheTopicFromTheBeginningAndPrintsTheTrail() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (AuditEvent e : EVENTS) {
                // keyed by the resource uid, as the services do: one resource's events stay in order
                producer.send(new ProducerRecord<>(Topics.AUDIT, UID, Json.MAPPER.writeValueAsString(e))).get();
            }
        }
        assertEquals(Topics.AUDIT, AuditConsumer.TOPIC);

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + 60_000_000_000L;
        AtomicReference<List<String>> lines = new AtomicReference<>(List.of());
        try (AuditConsumer consumer = new AuditConsumer(kafka.bootstrapServers(), "ignored", true)) {
            consumer.follow(out, () -> {
                lines.set(buffer.toString(StandardCharsets.UTF_8).lines().toList());
                return lines.get().size() < EXPECTED.size() && System.nanoTime() < deadline;
            });
        }
        assertEquals(EXPECTED, lines.get());
    }

    @Test
    void tlsSettingsComeFromTheEnvironmentLikeTheServices() {
        assertEquals(java.util.Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM",
                        "ssl.truststore.location", "/etc/ca.pem"),
                AuditConsumer.clientSettings(java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9093",
                        "KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ca.pem", "HOME", "/root")));
    }
}
