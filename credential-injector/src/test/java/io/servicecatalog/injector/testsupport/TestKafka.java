package io.servicecatalog.injector.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.crypto.CredentialsCipher;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.SecretTransform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Plays broker-gateway and catalog-api on Kafka: seals and sends envelopes, sends resource events,
 * and reads what the injector published on servicecatalog.results (raw text kept, so tests can
 * check that no credential leaked into a result).
 */
public final class TestKafka implements AutoCloseable {
  /** The key in application.properties' %test profile. */
  public static final String TEST_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  public static final CredentialsCipher CIPHER = CredentialsCipher.fromBase64(TEST_KEY);

  public record Result(OperationResult result, String raw) {}

  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> results;
  private final List<Result> seen = new ArrayList<>();

  public TestKafka() {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);

    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    results = new KafkaConsumer<>(c);
    List<TopicPartition> partitions =
        results.partitionsFor("servicecatalog.results").stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .collect(Collectors.toList());
    results.assign(partitions);
    results.seekToBeginning(partitions);
  }

  public static String newUid() {
    return UUID.randomUUID().toString();
  }

  /** A sealed envelope, as broker-gateway would publish it. */
  public static CredentialsEnvelope seal(
      String namespace,
      String bindingName,
      String uid,
      String secretName,
      Map<String, Object> credentials,
      List<SecretTransform> transforms) {
    return seal(CIPHER, namespace, bindingName, uid, secretName, credentials, transforms);
  }

  public static CredentialsEnvelope seal(
      CredentialsCipher cipher,
      String namespace,
      String bindingName,
      String uid,
      String secretName,
      Map<String, Object> credentials,
      List<SecretTransform> transforms) {
    return seal(cipher, namespace, bindingName, uid, secretName, credentials, transforms,
        "mariadb-broker", "mariadb");
  }

  /** Sealed with the test key, naming the broker and the class. */
  public static CredentialsEnvelope seal(
      String namespace,
      String bindingName,
      String uid,
      String secretName,
      Map<String, Object> credentials,
      List<SecretTransform> transforms,
      String brokerName,
      String classExternalName) {
    return seal(CIPHER, namespace, bindingName, uid, secretName, credentials, transforms,
        brokerName, classExternalName);
  }

  public static CredentialsEnvelope seal(
      CredentialsCipher cipher,
      String namespace,
      String bindingName,
      String uid,
      String secretName,
      Map<String, Object> credentials,
      List<SecretTransform> transforms,
      String brokerName,
      String classExternalName) {
    try {
      Map<String, JsonNode> values =
          Json.MAPPER.convertValue(
              credentials,
              Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, JsonNode.class));
      byte[] plaintext =
          Json.MAPPER.writeValueAsBytes(
              new BindingCredentials(values, transforms, brokerName, classExternalName));
      CredentialsCipher.Sealed s = cipher.seal(plaintext, uid);
      return new CredentialsEnvelope(
          CredentialsEnvelope.SCHEMA_VERSION, uid, namespace, bindingName, secretName, 1L,
          s.keyId(), CredentialsCipher.ALGORITHM, s.nonce(), s.ciphertext());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void sendEnvelope(CredentialsEnvelope envelope) {
    send("servicecatalog.credentials", envelope.bindingUid(), json(envelope));
  }

  public void sendResourceEvent(ResourceEvent event) {
    sendResourceEvent(event.uid(), event);
  }

  public void sendResourceEvent(String key, ResourceEvent event) {
    send("servicecatalog.resources", key, json(event));
  }

  public void send(String topic, String key, String value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every result published so far about {@code uid}, oldest first. */
  public synchronized List<Result> resultsFor(String uid) {
    for (ConsumerRecord<String, String> r : results.poll(Duration.ofMillis(200))) {
      try {
        seen.add(new Result(Json.MAPPER.readValue(r.value(), OperationResult.class), r.value()));
      } catch (Exception e) {
        throw new IllegalStateException("unreadable result: " + r.value(), e);
      }
    }
    return seen.stream().filter(r -> uid.equals(r.result().uid)).collect(Collectors.toList());
  }

  /** Every result read so far, about any binding. */
  public synchronized List<Result> allResults() {
    resultsFor("");
    return List.copyOf(seen);
  }

  public List<Result> resultsFor(String uid, Predicate<OperationResult> filter) {
    return resultsFor(uid).stream().filter(r -> filter.test(r.result())).collect(Collectors.toList());
  }

  private static String json(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    producer.close();
    results.close();
  }
}
