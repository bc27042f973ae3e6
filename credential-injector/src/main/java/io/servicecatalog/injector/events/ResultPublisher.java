package io.servicecatalog.injector.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Publishes {@link OperationResult}s on {@code servicecatalog.results}, keyed by the binding uid
 * so they stay ordered with everything else about that binding. {@link #publish} returns once the
 * broker has acknowledged the record: callers acknowledge their input only after that, so a
 * result is never lost between consuming and reporting.
 */
@ApplicationScoped
public class ResultPublisher {
  public static final String SOURCE = "credential-injector";
  public static final String KIND = "ServiceBinding";
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final Emitter<String> emitter;

  @Inject
  public ResultPublisher(@Channel("results") Emitter<String> emitter) {
    this.emitter = emitter;
  }

  /** A result about a binding, attributed to this service. */
  public static OperationResult about(String namespace, String name, String uid, Long generation) {
    return OperationResult.about(SOURCE, KIND, namespace, name, uid, generation);
  }

  public void publish(OperationResult result) throws PublishException {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new PublishException("result could not be serialized", e);
    }
    CompletableFuture<Void> delivered = new CompletableFuture<>();
    Message<String> message =
        Message.of(
            json,
            Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(result.uid).build()),
            () -> {
              delivered.complete(null);
              return CompletableFuture.completedFuture(null);
            },
            failure -> {
              delivered.completeExceptionally(failure);
              return CompletableFuture.completedFuture(null);
            });
    try {
      emitter.send(message);
      delivered.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while publishing a result", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new PublishException("result could not be published to Kafka", e);
    }
  }

  /** The results topic could not take a result; the work that produced it is retried. */
  public static class PublishException extends Exception {
    public PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
