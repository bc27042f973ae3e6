package io.servicecatalog.gateway.support;

import io.servicecatalog.testsupport.KafkaTestResource;

import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.ResourceEvent;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The test's side of Kafka: publishes resource events as catalog-api would, and records
 * everything broker-gateway writes to servicecatalog.results and servicecatalog.credentials.
 */
public final class TestTopics {
  private static final List<ConsumerRecord<String, String>> RESULTS = new CopyOnWriteArrayList<>();
  private static final List<ConsumerRecord<String, String>> CREDENTIALS = new CopyOnWriteArrayList<>();
  private static final List<ConsumerRecord<String, String>> AUDIT = new CopyOnWriteArrayList<>();
  private static KafkaProducer<String, String> producer;
  private static Thread reader;
  private static volatile boolean stop;

  private TestTopics() {}

  public static synchronized void start() {
    if (reader != null) {
      return;
    }
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(pp);

    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, "test-observer-" + UUID.randomUUID());
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp);
    consumer.subscribe(List.of("servicecatalog.results", "servicecatalog.credentials", "servicecatalog.audit"));
    reader = new Thread(() -> {
      try (consumer) {
        while (!stop) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
            (r.topic().equals("servicecatalog.results") ? RESULTS
                : r.topic().equals("servicecatalog.audit") ? AUDIT : CREDENTIALS).add(r);
          }
        }
      }
    }, "test-topics-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static synchronized void close() {
    stop = true;
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  public static void send(ResourceEvent event) {
    try {
      producer.send(new ProducerRecord<>("servicecatalog.resources", event.uid(), Json.MAPPER.writeValueAsString(event)))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Results about one resource, in publication order, parsed. */
  public static List<OperationResult> results(String uid) {
    return RESULTS.stream().filter(r -> uid.equals(r.key())).map(r -> parse(r.value())).toList();
  }

  public static List<ConsumerRecord<String, String>> resultRecords(String uid) {
    return RESULTS.stream().filter(r -> uid.equals(r.key())).toList();
  }

  /** Audit records (CloudEvents JSON) keyed by a resource uid. */
  public static List<ConsumerRecord<String, String>> auditRecords(String uid) {
    return AUDIT.stream().filter(r -> uid.equals(r.key())).toList();
  }

  public static List<ConsumerRecord<String, String>> credentialRecords(String bindingUid) {
    return CREDENTIALS.stream().filter(r -> bindingUid.equals(r.key())).toList();
  }

  private static OperationResult parse(String json) {
    try {
      return Json.MAPPER.readValue(json, OperationResult.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
