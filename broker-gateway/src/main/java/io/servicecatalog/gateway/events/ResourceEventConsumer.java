package io.servicecatalog.gateway.events;

import io.servicecatalog.gateway.catalogapi.CatalogObjectCache;
import io.servicecatalog.gateway.reconcile.Reconciler;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.ResourceEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code servicecatalog.resources} (group broker-gateway). Each event is only turned
 * into recorded operations (rows); the message is acknowledged once they are committed. A
 * failure to record (database or catalog-api down) is retried briefly, then left to the periodic
 * resync rather than blocking the partition.
 */
@ApplicationScoped
public class ResourceEventConsumer {
  private static final Logger LOG = Logger.getLogger(ResourceEventConsumer.class);

  private final Reconciler reconciler;
  private final CatalogObjectCache catalogCache;

  public ResourceEventConsumer(Reconciler reconciler, CatalogObjectCache catalogCache) {
    this.reconciler = reconciler;
    this.catalogCache = catalogCache;
  }

  @Incoming("resources")
  public Uni<Void> consume(String payload) {
    if (payload == null || payload.isBlank()) {
      return Uni.createFrom().voidItem();
    }
    ResourceEvent event;
    try {
      event = Json.MAPPER.readValue(payload, ResourceEvent.class);
    } catch (Exception e) {
      LOG.warnf("Skipping an unreadable resource event: %s", e.getClass().getSimpleName());
      return Uni.createFrom().voidItem();
    }
    catalogCache.onEvent(event);
    LOG.debugf("Event %s %s %s/%s uid=%s generation=%s", event.type(), event.kind(), event.namespace(), event.name(),
        event.uid(), event.generation());
    return reconciler
        .onEvent(event)
        .onFailure()
        .retry()
        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .atMost(5)
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Could not record decisions for %s uid=%s (the periodic resync will): %s", event.kind(), event.uid(),
                  e.toString());
              return null;
            });
  }
}
