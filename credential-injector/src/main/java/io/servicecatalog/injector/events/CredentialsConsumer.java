package io.servicecatalog.injector.events;

import io.servicecatalog.injector.reconcile.InjectorMetrics;
import io.servicecatalog.injector.reconcile.ReconcileQueue;
import io.servicecatalog.injector.reconcile.SecretReconciler;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.injector.store.StoredEnvelope;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code servicecatalog.credentials}: one sealed envelope per binding (key = binding
 * uid; the topic is compacted, a null value is a tombstone). Each envelope is kept, still sealed,
 * in the {@link EnvelopeStore} (for repairs) and becomes inject work; acknowledgement is left to
 * the {@link ReconcileQueue}. A tombstone removes the binding from the store. Record values are
 * never logged: only their coordinates.
 */
@ApplicationScoped
public class CredentialsConsumer {
  private static final Logger LOG = Logger.getLogger(CredentialsConsumer.class);

  private final ReconcileQueue queue;
  private final SecretReconciler reconciler;
  private final InjectorMetrics metrics;
  private final EnvelopeStore store;

  @Inject
  public CredentialsConsumer(
      ReconcileQueue queue, SecretReconciler reconciler, InjectorMetrics metrics,
      EnvelopeStore store) {
    this.queue = queue;
    this.reconciler = reconciler;
    this.metrics = metrics;
    this.store = store;
  }

  @Incoming("credentials")
  @Blocking
  public CompletionStage<Void> consume(Message<String> message) {
    String where = RecordCoordinates.of(message);
    String value = message.getPayload();
    if (value == null) {
      // The gateway forgets a binding's credentials after unbind; so does the store.
      String uid = RecordCoordinates.key(message);
      if (uid != null) {
        store.tombstone(uid, RecordCoordinates.partition(message), RecordCoordinates.offset(message));
      }
      LOG.debugf("tombstone %s", where);
      return message.ack();
    }
    CredentialsEnvelope envelope;
    try {
      envelope = Json.MAPPER.readValue(value, CredentialsEnvelope.class);
    } catch (Exception e) {
      LOG.errorf("credentials record %s is not a CredentialsEnvelope; skipped", where);
      metrics.skipped("unreadable");
      return message.ack();
    }
    if (envelope == null || envelope.bindingUid() == null || envelope.bindingUid().isBlank()) {
      LOG.errorf("credentials record %s has no bindingUid; skipped", where);
      metrics.skipped("unreadable");
      return message.ack();
    }
    String key = RecordCoordinates.key(message);
    if (key != null && !key.equals(envelope.bindingUid())) {
      LOG.warnf("credentials record %s is keyed %s but sealed for binding uid %s", where, key,
          envelope.bindingUid());
    }
    StoredEnvelope stored =
        new StoredEnvelope(envelope, RecordCoordinates.partition(message),
            RecordCoordinates.offset(message), RecordCoordinates.timestamp(message));
    store.offer(stored);
    queue.submit(reconciler.injectWork(stored), message);
    return CompletableFuture.completedFuture(null);
  }

  /** Topic-partition@offset of a record, for logs that must not show the record itself. */
  static final class RecordCoordinates {
    private RecordCoordinates() {}

    static String of(Message<?> message) {
      return message
          .getMetadata(IncomingKafkaRecordMetadata.class)
          .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset())
          .orElse("(no Kafka metadata)");
    }

    static int partition(Message<?> message) {
      return message
          .getMetadata(IncomingKafkaRecordMetadata.class)
          .map(IncomingKafkaRecordMetadata::getPartition)
          .orElse(-1);
    }

    static long offset(Message<?> message) {
      return message
          .getMetadata(IncomingKafkaRecordMetadata.class)
          .map(IncomingKafkaRecordMetadata::getOffset)
          .orElse(-1L);
    }

    static long timestamp(Message<?> message) {
      return message
          .getMetadata(IncomingKafkaRecordMetadata.class)
          .map(m -> m.getTimestamp() == null ? 0L : m.getTimestamp().toEpochMilli())
          .orElse(0L);
    }

    static String key(Message<?> message) {
      return message
          .getMetadata(IncomingKafkaRecordMetadata.class)
          .map(m -> m.getKey() == null ? null : m.getKey().toString())
          .orElse(null);
    }
  }
}
