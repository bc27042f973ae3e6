package io.servicecatalog.localstack;

import io.servicecatalog.testsupport.EmbeddedKafka;
import io.servicecatalog.testsupport.Ports;
import io.servicecatalog.testsupport.Topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafka().start();
        assertEquals(Set.of(Topics.RESOURCES, Topics.RESULTS, Topics.CREDENTIALS, Topics.AUDIT), kafka.createTopics());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return Admin.create(p);
    }

    @Test
    void topicsHaveTheProductLayout() throws Exception {
        try (Admin admin = admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(
                    Topics.ALL.stream().map(Topics.Spec::name).toList()).allTopicNames().get(10, TimeUnit.SECONDS);
            assertEquals(6, topics.get(Topics.RESOURCES).partitions().size());
            assertEquals(6, topics.get(Topics.RESULTS).partitions().size());
            assertEquals(6, topics.get(Topics.CREDENTIALS).partitions().size());
            assertEquals(3, topics.get(Topics.AUDIT).partitions().size());
            ConfigResource credentials = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CREDENTIALS);
            String policy = admin.describeConfigs(List.of(credentials)).all().get(10, TimeUnit.SECONDS)
                    .get(credentials).get("cleanup.policy").value();
            assertEquals("compact", policy);
        }
        // idempotent: a second call creates nothing
        assertTrue(kafka.createTopics().isEmpty());
    }

    @Test
    void producedRecordIsConsumed() {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
            producer.send(new ProducerRecord<>(Topics.AUDIT, "k1", "hello audit")).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-test");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(List.of(Topics.AUDIT));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                List<String> values = java.util.stream.StreamSupport.stream(records.spliterator(), false)
                        .map(ConsumerRecord::value).collect(Collectors.toList());
                if (!values.isEmpty()) {
                    assertEquals(List.of("hello audit"), values);
                    return;
                }
            }
            throw new AssertionError("record not consumed within 30 s");
        }
    }

    @Test
    void autoCreationIsOff() throws Exception {
        try (Admin admin = admin()) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            String value = admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS)
                    .get(broker).get("auto.create.topics.enable").value();
            assertEquals("false", value);
        }
    }

    @Test
    void restartKeepsPortsTopicsAndRecords() throws Exception {
        try (EmbeddedKafka k = new EmbeddedKafka().start()) {
            k.createTopics();
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
            pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
                producer.send(new ProducerRecord<>(Topics.AUDIT, "k", "before the restart")).get(30, TimeUnit.SECONDS);
            }
            String bootstrap = k.bootstrapServers();
            k.restart();
            assertEquals(bootstrap, k.bootstrapServers());
            assertTrue(k.createTopics().isEmpty(), "the topics survived");
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-test");
            cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
                consumer.subscribe(List.of(Topics.AUDIT));
                List<String> values = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (values.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
                }
                assertEquals(List.of("before the restart"), values);
            }
        }
    }
}
