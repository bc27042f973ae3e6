package io.servicecatalog.gateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sealed binding credentials on {@code servicecatalog.credentials} (compacted, key = binding
 * uid), and the tombstone that makes the topic forget them after unbind.
 */
@ApplicationScoped
public class CredentialsPublisher {
  private static final Logger LOG = Logger.getLogger(CredentialsPublisher.class);

  private final MutinyEmitter<String> emitter;

  public CredentialsPublisher(@Channel("credentials") MutinyEmitter<String> emitter) {
    this.emitter = emitter;
  }

  public Uni<Void> publish(CredentialsEnvelope envelope) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    return emitter
        .sendMessage(keyed(json, envelope.bindingUid()))
        .invoke(
            () ->
                LOG.infof(
                    "Sealed credentials published for ServiceBinding %s/%s uid=%s (secret %s, key id %s)",
                    envelope.namespace(),
                    envelope.bindingName(),
                    envelope.bindingUid(),
                    envelope.secretName(),
                    envelope.keyId()));
  }

  /** A null value for the binding's key: compaction then drops its sealed credentials. */
  public Uni<Void> tombstone(String bindingUid) {
    return emitter
        .sendMessage(keyed(null, bindingUid))
        .invoke(() -> LOG.infof("Credentials tombstone published for ServiceBinding uid=%s", bindingUid));
  }

  private static Message<String> keyed(String payload, String key) {
    return Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
  }
}
