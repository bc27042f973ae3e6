package io.servicecatalog.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a real Kafka broker with the mesh's topics for a {@code @QuarkusTest} and points the
 * service's {@code kafka.bootstrap.servers} at it.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
  private static volatile String bootstrap;
  private EmbeddedKafka kafka;

  /** Where the broker of the running test listens, for the test's own producers and consumers. */
  public static String bootstrapServers() {
    return bootstrap;
  }

  @Override
  public Map<String, String> start() {
    kafka = new EmbeddedKafka().start();
    kafka.createTopics();
    bootstrap = kafka.bootstrapServers();
    return Map.of("kafka.bootstrap.servers", bootstrap);
  }

  @Override
  public void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }
}
