package io.servicecatalog.gateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes {@link OperationResult}s on {@code servicecatalog.results}, keyed by resource uid.
 * The Uni completes when Kafka acknowledged the record (acks=all), so callers can order their
 * own state after it.
 */
@ApplicationScoped
public class ResultPublisher {
  public static final String SOURCE = "broker-gateway";
  private static final Logger LOG = Logger.getLogger(ResultPublisher.class);

  private final MutinyEmitter<String> emitter;

  public ResultPublisher(@Channel("results") MutinyEmitter<String> emitter) {
    this.emitter = emitter;
  }

  public Uni<Void> publish(OperationResult result) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      return Uni.createFrom().failure(e);
    }
    Message<String> message =
        Message.of(json)
            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(result.uid).build());
    return emitter
        .sendMessage(message)
        .invoke(
            () ->
                LOG.infof(
                    "Result %s %s%s for %s %s%s uid=%s reason=%s request-identity=%s",
                    result.operation,
                    result.outcome,
                    Boolean.TRUE.equals(result.terminal) ? " (terminal)" : "",
                    result.kind,
                    result.namespace == null ? "" : result.namespace + "/",
                    result.name,
                    result.uid,
                    result.reason,
                    result.requestIdentity));
  }
}
