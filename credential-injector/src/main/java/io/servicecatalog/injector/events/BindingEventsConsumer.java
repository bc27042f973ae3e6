package io.servicecatalog.injector.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.injector.reconcile.ReconcileQueue;
import io.servicecatalog.injector.reconcile.SecretReconciler;
import io.servicecatalog.injector.reconcile.SecretReconciler.DeleteRequest;
import io.servicecatalog.injector.store.EnvelopeStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code servicecatalog.resources} for ServiceBindings that are going away: a binding
 * with {@code metadata.deletionTimestamp}, or a DELETED event, gets its Secret removed (only if
 * labelled with its uid) and DELETE_SECRET SUCCEEDED reported, which catalog-api waits for before
 * letting the broker unbind. A live binding whose layout annotations changed gets its Secret laid
 * out again. Every other event is acknowledged and ignored.
 */
@ApplicationScoped
public class BindingEventsConsumer {
  private static final Logger LOG = Logger.getLogger(BindingEventsConsumer.class);

  private final ReconcileQueue queue;
  private final SecretReconciler reconciler;
  private final EnvelopeStore store;

  @Inject
  public BindingEventsConsumer(
      ReconcileQueue queue, SecretReconciler reconciler, EnvelopeStore store) {
    this.queue = queue;
    this.reconciler = reconciler;
    this.store = store;
  }

  @Incoming("resources")
  @Blocking
  public CompletionStage<Void> consume(Message<String> message) {
    String value = message.getPayload();
    if (value == null) {
      return message.ack();
    }
    ResourceEvent event;
    try {
      event = Json.MAPPER.readValue(value, ResourceEvent.class);
    } catch (Exception e) {
      LOG.errorf("resources record %s is not a ResourceEvent; skipped",
          CredentialsConsumer.RecordCoordinates.of(message));
      return message.ack();
    }
    DeleteRequest request = event == null ? null : deletion(event);
    if (request == null) {
      if (event != null) {
        relayoutIfAnnotationsChanged(event);
      }
      return message.ack();
    }
    queue.submit(reconciler.deleteWork(request), message);
    return CompletableFuture.completedFuture(null);
  }

  /**
   * A live binding whose layout annotations ({@code servicecatalog.k8s.io/secret-layout},
   * {@code servicebinding.io/type}, {@code servicebinding.io/provider}) differ from what its
   * Secret was last made with gets its Secret laid out again from the envelope held in memory.
   */
  private void relayoutIfAnnotationsChanged(ResourceEvent event) {
    if (!ResourceKind.SERVICE_BINDING.kind().equals(event.kind()) || event.object() == null) {
      return;
    }
    String uid = firstNonNull(event.uid(), text(event.object().path("metadata").path("uid")));
    if (uid == null || store.latest(uid) == null) {
      return;
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode a = event.object().path("metadata").path("annotations");
    if (a.isObject()) {
      a.fields().forEachRemaining(e -> {
        if (e.getValue().isTextual()) {
          annotations.put(e.getKey(), e.getValue().textValue());
        }
      });
    }
    if (reconciler.layoutChanged(uid, annotations)) {
      queue.submitAsync(reconciler.repairWork(uid, SecretReconciler.RepairCause.BINDING_CHANGED));
    }
  }

  /** The Secret to remove if this event says the binding is going away, else null. */
  static DeleteRequest deletion(ResourceEvent event) {
    if (!ResourceKind.SERVICE_BINDING.kind().equals(event.kind())) {
      return null;
    }
    JsonNode object = event.object() == null ? Json.MAPPER.createObjectNode() : event.object();
    JsonNode metadata = object.path("metadata");
    boolean deleting =
        event.type() == ResourceEvent.Type.DELETED
            || text(metadata.path("deletionTimestamp")) != null;
    if (!deleting) {
      return null;
    }
    String namespace = firstNonNull(event.namespace(), text(metadata.path("namespace")));
    String name = firstNonNull(event.name(), text(metadata.path("name")));
    String uid = firstNonNull(event.uid(), text(metadata.path("uid")));
    if (namespace == null || name == null || uid == null) {
      LOG.errorf("ServiceBinding event %s lacks namespace, name or uid; skipped", event.eventId());
      return null;
    }
    Long generation = event.generation();
    if (generation == null && metadata.path("generation").canConvertToLong()) {
      generation = metadata.path("generation").asLong();
    }
    String secretName = firstNonNull(text(object.path("spec").path("secretName")), name);
    return new DeleteRequest(namespace, name, uid, generation, secretName);
  }

  private static String text(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull() || node.asText().isEmpty()
        ? null
        : node.asText();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
