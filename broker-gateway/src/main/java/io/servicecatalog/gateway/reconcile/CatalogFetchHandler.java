package io.servicecatalog.gateway.reconcile;

import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.gateway.catalog.CatalogFilter;
import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.k8s.BrokerAuth;
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
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import java.util.Set;

/**
 * FETCH_CATALOG: {@code GET /v2/catalog} for ClusterServiceBrokers and namespaced
 * ServiceBrokers. The broker's catalogRestrictions are applied here, before the catalog is
 * published, so catalog-api imports only what is allowed (and marks the rest
 * removedFromBrokerCatalog). Failures are retried on the gateway's own backoff (the row stays
 * PENDING with a later next_attempt_at), so the status change a failure causes cannot trigger a
 * tight refetch loop: the row for that generation already exists.
 */
@ApplicationScoped
public class CatalogFetchHandler implements OperationHandler {
  private final StepSupport support;
  private final CatalogApi catalogApi;

  public CatalogFetchHandler(StepSupport support, CatalogApi catalogApi) {
    this.support = support;
    this.catalogApi = catalogApi;
  }

  @Override
  public Set<Operation> operations() {
    return Set.of(Operation.FETCH_CATALOG);
  }

  private static boolean namespaced(OperationRecord op) {
    return "ServiceBroker".equals(op.resourceKind);
  }

  @Override
  public Uni<Step> step(OperationRecord op) {
    return catalogApi.broker(namespaced(op) ? op.resourceNamespace : null, op.resourceName).flatMap(broker -> fetch(op, broker));
  }

  private Uni<Step> fetch(OperationRecord op, CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> broker) {
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
      String message = "Gave up fetching the catalog of broker \"" + op.resourceName + "\" after "
          + support.config().retry().maxDuration() + ": " + op.message;
      OperationResult r = support.result(op, Outcome.FAILED, StepSupport.RETRY_TIMEOUT, message);
      r.terminal = true;
      return support.publish(r).map(v -> {
        op.terminal = true;
        op.reason = StepSupport.RETRY_TIMEOUT;
        op.message = message;
        support.finish(op, OperationState.FAILED);
        return Step.of(op);
      });
    }
    op.generation = broker.getMetadata().getGeneration();
    StepSupport.brokerInto(op, broker);
    op.attempts++;
    support.newRequest(op);
    // A catalog fetch renegotiates the API version from 2.17 down (the broker may have been upgraded).
    OsbRequest request =
        new OsbRequest("GetCatalog", "GET", OsbPaths.CATALOG, null, null, op.requestIdentity, op.subject(), op.resourceUid, true);
    return support
        .send(op, request)
        .map(response -> OsbOutcomes.catalog(op.brokerName, response))
        .onFailure(OsbTransportException.class)
        .recoverWithItem(e -> OsbOutcomes.transport((OsbTransportException) e, false, Reasons.ERROR_FETCHING_CATALOG))
        .onFailure(BrokerAuth.AuthException.class)
        .recoverWithItem(e -> OsbOutcome.failed(null, op.requestIdentity, false, false, Reasons.ERROR_AUTH_CREDENTIALS,
            "Error getting broker auth credentials for broker \"" + op.brokerName + "\": " + e.getMessage()))
        .flatMap(outcome -> conclude(op, broker, outcome));
  }

  private Uni<Step> conclude(OperationRecord op, CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> broker, OsbOutcome outcome) {
    support.note(op, outcome);
    if (outcome.is(Kind.DONE)) {
      CatalogFilter.Filtered filtered;
      try {
        filtered = CatalogFilter.apply(outcome.catalog(), broker.getSpec() == null ? null : broker.getSpec().catalogRestrictions,
            namespaced(op));
      } catch (CatalogFilter.InvalidRestrictionException e) {
        // Retrying cannot help until the broker's spec changes (a new generation, a new row).
        String message = "Error fetching catalog from broker \"" + op.brokerName + "\": " + e.getMessage();
        OperationResult r = support.result(op, Outcome.FAILED, Reasons.ERROR_FETCHING_CATALOG, message);
        r.terminal = true;
        return support.publish(r).map(v -> {
          op.reason = Reasons.ERROR_FETCHING_CATALOG;
          op.message = message;
          op.terminal = true;
          support.finish(op, OperationState.FAILED);
          return Step.of(op);
        });
      }
      long size = jsonSize(filtered.catalog());
      long limit = support.config().osb().maxCatalogSize().asLongValue();
      if (size > limit) {
        // Kafka would refuse the result: report it instead of failing the step over and over.
        String message = "Error fetching catalog from broker \"" + op.brokerName + "\": the catalog is " + size
            + " bytes of JSON, more than the " + limit + " bytes a result can carry (servicecatalog.osb.max-catalog-size)";
        OperationResult r = support.result(op, Outcome.FAILED, Reasons.ERROR_FETCHING_CATALOG, message);
        r.terminal = false;
        return support.publish(r).map(v -> {
          op.reason = Reasons.ERROR_FETCHING_CATALOG;
          op.message = message;
          support.retryLater(op);
          return Step.of(op);
        });
      }
      String message = "Successfully fetched catalog entries from broker."
          + (filtered.changed()
              ? " catalogRestrictions applied by broker-gateway: " + filtered.classesAfter() + " of " + filtered.classesBefore()
                  + " classes and " + filtered.plansAfter() + " of " + filtered.plansBefore() + " plans kept."
              : "");
      OperationResult r = support.result(op, Outcome.SUCCEEDED, Reasons.FETCHED_CATALOG, message);
      r.catalog = filtered.catalog();
      return support.publish(r).map(v -> {
        op.reason = Reasons.FETCHED_CATALOG;
        op.message = message;
        support.finish(op, OperationState.SUCCEEDED);
        return Step.of(op);
      });
    }
    OperationResult r = support.result(op, Outcome.FAILED, outcome.reason(), outcome.message());
    r.terminal = false;
    return support.publish(r).map(v -> {
      support.retryLater(op);
      return Step.of(op);
    });
  }

  private static long jsonSize(com.fasterxml.jackson.databind.JsonNode catalog) {
    try {
      return io.servicecatalog.model.Json.MAPPER.writeValueAsBytes(catalog).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a catalog that was just parsed", e);
    }
  }

  /** A newer generation has its own row; a relist is moot once a later fetch succeeded. */
  private static boolean superseded(OperationRecord op, CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> broker) {
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
