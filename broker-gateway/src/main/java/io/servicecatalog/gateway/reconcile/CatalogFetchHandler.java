package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.k8s.BrokerAuth;
import io.servicecatalog.gateway.osb.OsbClient;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.osb.OsbRequest;
import io.servicecatalog.gateway.osb.OsbTransportException;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import java.util.Set;

/**
 * FETCH_CATALOG: {@code GET /v2/catalog}. Failures are retried on the gateway's own backoff
 * (the row stays PENDING with a later next_attempt_at), so the status change a failure causes
 * cannot trigger a tight refetch loop: the row for that generation already exists.
 */
@ApplicationScoped
public class CatalogFetchHandler implements OperationHandler {
  private final StepSupport support;
  private final CatalogApi catalogApi;
  private final OsbClient osb;

  public CatalogFetchHandler(StepSupport support, CatalogApi catalogApi, OsbClient osb) {
    this.support = support;
    this.catalogApi = catalogApi;
    this.osb = osb;
  }

  @Override
  public Set<Operation> operations() {
    return Set.of(Operation.FETCH_CATALOG);
  }

  @Override
  public Uni<Step> step(OperationRecord op) {
    return catalogApi.broker(op.resourceName).flatMap(broker -> fetch(op, broker));
  }

  private Uni<Step> fetch(OperationRecord op, ClusterServiceBroker broker) {
    if (broker == null || !Objects.equals(broker.getMetadata().getUid(), op.resourceUid)) {
      support.cancel(op, "the broker no longer exists");
      return Uni.createFrom().item(Step.of(op));
    }
    if (Decisions.deleting(broker.getMetadata().getDeletionTimestamp())) {
      support.cancel(op, "the broker is being deleted");
      return Uni.createFrom().item(Step.of(op));
    }
    if (superseded(op, broker)) {
      support.cancel(op, "superseded by a newer generation or a completed relist");
      return Uni.createFrom().item(Step.of(op));
    }
    if (support.retriesExpired(op)) {
      op.terminal = true;
      op.reason = StepSupport.RETRY_TIMEOUT;
      op.message = "Gave up fetching the catalog of broker \"" + op.resourceName + "\" after "
          + support.config.retry().maxDuration() + ": " + op.message;
      support.finish(op, OperationState.FAILED);
      OperationResult r = support.result(op, Outcome.FAILED, op.reason, op.message);
      r.terminal = true;
      return support.publish(r).replaceWith(Step.of(op));
    }
    op.generation = broker.getMetadata().getGeneration();
    StepSupport.brokerInto(op, broker);
    op.attempts++;
    support.newRequest(op);
    OsbRequest request =
        new OsbRequest("GetCatalog", "GET", OsbPaths.CATALOG, null, null, op.requestIdentity, op.subject());
    return support
        .endpoint(op)
        .flatMap(endpoint -> osb.send(endpoint, request))
        .map(response -> OsbOutcomes.catalog(op.brokerName, response))
        .onFailure(OsbTransportException.class)
        .recoverWithItem(e -> OsbOutcomes.transport((OsbTransportException) e, false, Reasons.ERROR_FETCHING_CATALOG))
        .onFailure(BrokerAuth.AuthException.class)
        .recoverWithItem(
            e -> new OsbOutcome(Kind.FAILED, false, false, Reasons.ERROR_AUTH_CREDENTIALS,
                "Error getting broker auth credentials for broker \"" + op.brokerName + "\": " + e.getMessage(),
                null, op.requestIdentity, null, null, null, null, null, null))
        .flatMap(outcome -> conclude(op, outcome));
  }

  private Uni<Step> conclude(OperationRecord op, OsbOutcome outcome) {
    support.note(op, outcome);
    if (outcome.is(Kind.DONE)) {
      op.reason = Reasons.FETCHED_CATALOG;
      op.message = "Successfully fetched catalog entries from broker.";
      support.finish(op, OperationState.SUCCEEDED);
      OperationResult r = support.result(op, Outcome.SUCCEEDED, op.reason, op.message);
      r.catalog = outcome.catalog();
      return support.publish(r).replaceWith(Step.of(op));
    }
    support.retryLater(op);
    OperationResult r = support.result(op, Outcome.FAILED, outcome.reason(), outcome.message());
    r.terminal = false;
    return support.publish(r).replaceWith(Step.of(op));
  }

  /** A newer generation has its own row; a relist is moot once a later fetch succeeded. */
  private static boolean superseded(OperationRecord op, ClusterServiceBroker broker) {
    Long current = broker.getMetadata().getGeneration();
    if (op.opKey.startsWith(Decisions.GENERATION_KEY_PREFIX)) {
      return current != null && op.generation != null && current > op.generation;
    }
    if (op.opKey.startsWith(Decisions.RELIST_KEY_PREFIX)) {
      String last = broker.getStatus() == null ? null : broker.getStatus().lastCatalogRetrievalTime;
      return !Objects.equals(Decisions.RELIST_KEY_PREFIX + last, op.opKey);
    }
    return false;
  }
}
