package io.servicecatalog.injector.store;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the {@link CompactedTopicReader} that fills the {@link EnvelopeStore} at start-up. */
@ApplicationScoped
public class CredentialsStoreLoader {

  private final Map<String, Object> kafkaConfig;
  private final String topic;
  private final EnvelopeStore store;
  private CompactedTopicReader reader;

  @Inject
  public CredentialsStoreLoader(
      @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
      @ConfigProperty(name = "mp.messaging.incoming.credentials.topic",
          defaultValue = "servicecatalog.credentials") String topic,
      EnvelopeStore store) {
    this.kafkaConfig = kafkaConfig;
    this.topic = topic;
    this.store = store;
  }

  void onStart(@Observes StartupEvent event) {
    reader = new CompactedTopicReader(kafkaConfig, topic, store).start();
  }

  void onStop(@Observes ShutdownEvent event) {
    if (reader != null) {
      reader.close();
    }
  }

  public boolean isCaughtUp() {
    return reader != null && reader.isCaughtUp();
  }
}
