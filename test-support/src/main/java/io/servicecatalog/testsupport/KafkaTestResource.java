package io.servicecatalog.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a real Kafka broker with the mesh's topics for a {@code @QuarkusTest} and points the
 * service's {@code kafka.bootstrap.servers} at it.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
  private EmbeddedKafka kafka;

  @Override
  public Map<String, String> start() {
    kafka = new EmbeddedKafka().start();
    kafka.createTopics();
    return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
  }

  @Override
  public void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }
}
