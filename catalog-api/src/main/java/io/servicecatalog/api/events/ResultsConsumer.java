package io.servicecatalog.api.events;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.servicecatalog.api.lifecycle.ResultApplier;
import io.servicecatalog.api.store.Actor;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.OperationResult;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Applies results from the workers to resource status, one transaction per result. */
@ApplicationScoped
public class ResultsConsumer {
  private static final Logger LOG = Logger.getLogger(ResultsConsumer.class);

  @Inject ResultApplier applier;
  @Inject OutboxRelay relay;

  @Incoming("results")
  public Uni<Void> consume(String payload) {
    if (payload == null) {
      return Uni.createFrom().voidItem();
    }
    OperationResult r;
    try {
      r = Json.MAPPER.readValue(payload, OperationResult.class);
    } catch (Exception e) {
      LOG.warnf("dropping an unreadable result record (%s)", e.getMessage());
      return Uni.createFrom().voidItem();
    }
    if (r.schemaVersion > OperationResult.SCHEMA_VERSION) {
      LOG.warnf("result %s has schema version %d, newer than %d; applying the fields this version knows",
          r.resultId, r.schemaVersion, OperationResult.SCHEMA_VERSION);
    }
    LOG.debugf("applying %s %s to %s %s/%s", r.operation, r.outcome, r.kind, r.namespace, r.name);
    Actor.set(Actor.system(r.source == null ? "worker" : r.source, "result:" + r.operation));
    return Panache.withTransaction(() -> applier.apply(r))
        .invoke(relay::kick)
        // Transient trouble (a lock timeout, the database restarting) is retried in place.
        .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(8)
        // A result that cannot be applied must not stop the partition; it is logged and skipped.
        .onFailure().recoverWithUni(f -> {
          LOG.errorf(f, "could not apply %s %s to %s %s/%s", r.operation, r.outcome, r.kind, r.namespace, r.name);
          return Uni.createFrom().voidItem();
        });
  }
}
