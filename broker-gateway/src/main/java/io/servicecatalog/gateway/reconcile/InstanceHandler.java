package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.k8s.ClusterId;
import io.servicecatalog.gateway.k8s.NamespaceIds;
import io.servicecatalog.gateway.osb.KubernetesContext;
import io.servicecatalog.gateway.osb.OsbClient;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.osb.ProvisionRequest;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * PROVISION and DEPROVISION of service instances. Before a request is sent the instance is read
 * again from catalog-api and the decision re-checked, so a stale row never provisions something
 * deleted meanwhile; once sent, the row (with the operation token) drives polling, retries and
 * orphan mitigation on its own.
 */
@Singleton
public class InstanceHandler extends ConversationHandler {
  private static final Logger LOG = Logger.getLogger(InstanceHandler.class);

  private final CatalogApi catalogApi;
  private final Resolver resolver;
  private final OperationStore store;
  private final ClusterId clusterId;
  private final NamespaceIds namespaceIds;

  public InstanceHandler(StepSupport support, OsbClient osb, CatalogApi catalogApi, Resolver resolver,
      OperationStore store, ClusterId clusterId, NamespaceIds namespaceIds) {
    super(support, osb);
    this.catalogApi = catalogApi;
    this.resolver = resolver;
    this.store = store;
    this.clusterId = clusterId;
    this.namespaceIds = namespaceIds;
  }

  @Override
  public Set<Operation> operations() {
    return Set.of(Operation.PROVISION, Operation.DEPROVISION);
  }

  @Override
  String resourcePath(OperationRecord op) {
    return OsbPaths.instance(op.instanceId);
  }

  @Override
  String lastOperationPath(OperationRecord op) {
    return OsbPaths.instanceLastOperation(op.instanceId);
  }

  @Override
  String noun() {
    return "instance";
  }

  @Override
  public Uni<Step> step(OperationRecord op) {
    boolean provision = op.operation == Operation.PROVISION;
    return switch (op.state) {
      case PENDING -> provision ? sendProvision(op) : sendDeprovision(op);
      case POLLING -> poll(op);
      case ORPHAN_MITIGATION -> orphanMitigation(op);
      case OM_POLLING -> pollOrphanMitigation(op);
      default -> Uni.createFrom().item(Step.of(op));
    };
  }

  // --- provision -------------------------------------------------------------------------

  private Uni<Step> sendProvision(OperationRecord op) {
    return catalogApi
        .instance(op.resourceNamespace, op.resourceName)
        .flatMap(
            instance -> {
              if (instance == null || !Objects.equals(instance.getMetadata().getUid(), op.resourceUid)) {
                if (op.attempts > 0 && op.instanceId != null && op.brokerUrl != null) {
                  return Uni.createFrom().item(orphanMitigationForGone(op, "the instance is gone after a provision attempt"));
                }
                support.cancel(op, "the instance no longer exists");
                return Uni.createFrom().item(Step.of(op));
              }
              if (!Decisions.needsProvision(instance)) {
                support.cancel(op, "provisioning is no longer required (deleting, provisioned or failed)");
                return Uni.createFrom().item(Step.of(op));
              }
              if (support.retriesExpired(op)) {
                return retriesExhausted(op);
              }
              return resolver.resolve(instance).flatMap(res -> provision(op, res));
            });
  }

  private Uni<Step> provision(OperationRecord op, Resolution res) {
    ServiceInstance instance = res.instance();
    if (res.plan() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_PLAN,
          "The instance references ClusterServicePlan \"" + res.planName() + "\", which does not exist");
    }
    if (res.serviceClass() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_CLASS,
          "The instance references ClusterServiceClass \"" + res.className() + "\", which does not exist");
    }
    if (res.broker() == null) {
      return retryWithReport(op, Reasons.PROVISION_CALL_FAILED,
          "The ClusterServiceBroker \"" + res.brokerName() + "\" of the instance's plan does not exist");
    }
    if (instance.getSpec().externalID == null) {
      return retryWithReport(op, Reasons.PROVISION_CALL_FAILED, "The instance has no spec.externalID yet");
    }
    op.generation = instance.getMetadata().getGeneration();
    StepSupport.brokerInto(op, res.broker());
    op.instanceId = instance.getSpec().externalID;
    op.serviceId = res.serviceId();
    op.planId = res.planId();
    op.originatingIdentity = StepSupport.originatingIdentity(instance.getSpec().userInfo);
    op.attempts++;
    support.newRequest(op);
    String ns = instance.getMetadata().getNamespace();
    return Uni.combine()
        .all()
        .unis(clusterId.get(), namespaceIds.uid(ns))
        .asTuple()
        .flatMap(
            ids -> {
              Map<String, String> annotations = instance.getMetadata().getAnnotations();
              KubernetesContext context =
                  new KubernetesContext(OsbHeaders.PLATFORM_KUBERNETES, ns, ids.getItem1(), instance.getMetadata().getName(),
                      annotations == null || annotations.isEmpty() ? null : annotations, null);
              ProvisionRequest body =
                  new ProvisionRequest(op.serviceId, op.planId, context, ids.getItem1(), ids.getItem2(), instance.getSpec().parameters);
              OperationResult inFlight = support.result(op, Outcome.IN_PROGRESS, Reasons.PROVISION_REQUEST_IN_FLIGHT,
                  "Provision request for ServiceInstance in-flight to Broker \"" + op.brokerName + "\"");
              inFlight.asyncOpInProgress = false;
              Map<String, String> q = new LinkedHashMap<>();
              q.put(OsbHeaders.ACCEPTS_INCOMPLETE, "true");
              return support
                  .publish(inFlight)
                  .flatMap(v -> send(op, "ProvisionInstance", "PUT", OsbPaths.instance(op.instanceId) + OsbPaths.query(q), body,
                      op.originatingIdentity, r -> OsbOutcomes.provision(op.brokerName, r),
                      e -> OsbOutcomes.transport(e, true, Reasons.PROVISION_CALL_FAILED)))
                  .flatMap(o -> concludeProvision(op, o, res.maximumPollingDuration()));
            });
  }

  private Uni<Step> concludeProvision(OperationRecord op, OsbOutcome o, Long maximumPollingDuration) {
    support.note(op, o);
    switch (o.kind()) {
      case DONE -> {
        if (o.dashboardUrl() != null) {
          op.dashboardUrl = o.dashboardUrl();
        }
        return provisioned(op);
      }
      case ACCEPTED -> {
        op.dashboardUrl = o.dashboardUrl();
        op.reason = Reasons.PROVISIONING;
        op.message = "The instance is being provisioned asynchronously";
        support.startPolling(op, OperationState.POLLING, o.operation(), maximumPollingDuration);
        OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
        r.asyncOpInProgress = true;
        r.lastOperation = o.operation();
        r.dashboardURL = op.dashboardUrl;
        return Uni.createFrom().item(Step.of(op, r));
      }
      default -> {
        return failCreate(op, o.terminal(), o.orphanMitigation(), o.reason(), o.message());
      }
    }
  }

  private Uni<Step> provisioned(OperationRecord op) {
    op.reason = Reasons.PROVISIONED_SUCCESSFULLY;
    op.message = "The instance was provisioned successfully";
    op.operationToken = null;
    support.finish(op, OperationState.SUCCEEDED);
    OperationResult r = support.result(op, Outcome.SUCCEEDED, op.reason, op.message);
    r.asyncOpInProgress = false;
    r.dashboardURL = op.dashboardUrl;
    return support.publish(r).replaceWith(Step.of(op));
  }

  // --- deprovision -----------------------------------------------------------------------

  private Uni<Step> sendDeprovision(OperationRecord op) {
    return catalogApi
        .instance(op.resourceNamespace, op.resourceName)
        .flatMap(
            instance -> {
              if (instance == null || !Objects.equals(instance.getMetadata().getUid(), op.resourceUid)) {
                support.cancel(op, "the instance no longer exists");
                return Uni.createFrom().item(Step.of(op));
              }
              if (!Decisions.needsDeprovision(instance)) {
                support.cancel(op, "deprovisioning is not required now");
                return Uni.createFrom().item(Step.of(op));
              }
              if (support.retriesExpired(op)) {
                return retriesExhausted(op);
              }
              return store
                  .find(op.resourceUid, Operation.PROVISION, OperationRecord.ONCE)
                  .flatMap(provisionRow -> {
                    if (busy(provisionRow)) {
                      // Delete waits for an in-flight provision (and its orphan mitigation) to end.
                      LOG.debugf("%s: deprovision waits for the provision (%s)", op.subject(), provisionRow.state);
                      support.waitFor(op, provisionRow);
                      return Uni.createFrom().item(Step.of(op));
                    }
                    return resolver.resolve(instance).flatMap(res -> deprovision(op, res, provisionRow));
                  });
            });
  }

  private Uni<Step> deprovision(OperationRecord op, Resolution res, OperationRecord provisionRow) {
    ServiceInstance instance = res.instance();
    op.generation = instance.getMetadata().getGeneration();
    op.instanceId = firstNonNull(instance.getSpec().externalID, provisionRow == null ? null : provisionRow.instanceId);
    op.serviceId = firstNonNull(res.serviceId(), provisionRow == null ? null : provisionRow.serviceId);
    op.planId = firstNonNull(res.provisionedPlanId(), provisionRow == null ? null : provisionRow.planId);
    if (res.broker() != null) {
      StepSupport.brokerInto(op, res.broker());
    } else if (provisionRow != null && provisionRow.brokerUrl != null) {
      StepSupport.brokerInto(op, provisionRow);
    } else {
      return retryWithReport(op, Reasons.DEPROVISION_CALL_FAILED,
          "Cannot deprovision: the broker of the instance (\"" + res.brokerName() + "\") cannot be found");
    }
    if (op.instanceId == null || op.serviceId == null || op.planId == null) {
      return retryWithReport(op, Reasons.DEPROVISION_CALL_FAILED,
          "Cannot deprovision: the instance's service or plan id cannot be determined");
    }
    op.originatingIdentity = StepSupport.originatingIdentity(instance.getSpec().userInfo);
    op.attempts++;
    support.newRequest(op);
    OperationResult inFlight = support.result(op, Outcome.IN_PROGRESS, Reasons.DEPROVISION_REQUEST_IN_FLIGHT,
        "Deprovision request for ServiceInstance in-flight to Broker \"" + op.brokerName + "\"");
    inFlight.asyncOpInProgress = false;
    Long maxPolling = res.maximumPollingDuration();
    return support
        .publish(inFlight)
        .flatMap(v -> send(op, "DeprovisionInstance", "DELETE", OsbPaths.instance(op.instanceId) + OsbPaths.query(deleteQuery(op)),
            null, op.originatingIdentity, r -> OsbOutcomes.deprovision(op.brokerName, r),
            e -> OsbOutcomes.transport(e, false, Reasons.DEPROVISION_CALL_FAILED)))
        .flatMap(o -> {
          support.note(op, o);
          return switch (o.kind()) {
            case DONE -> deprovisioned(op);
            case ACCEPTED -> {
              op.reason = Reasons.DEPROVISIONING;
              op.message = "The instance is being deprovisioned asynchronously";
              support.startPolling(op, OperationState.POLLING, o.operation(), maxPolling);
              OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
              r.asyncOpInProgress = true;
              r.lastOperation = o.operation();
              yield Uni.createFrom().item(Step.of(op, r));
            }
            default -> deprovisionFailed(op, o.reason(), o.message());
          };
        });
  }

  private Uni<Step> deprovisioned(OperationRecord op) {
    op.reason = Reasons.DEPROVISIONED_SUCCESSFULLY;
    op.message = "The instance was deprovisioned successfully";
    op.operationToken = null;
    support.finish(op, OperationState.SUCCEEDED);
    OperationResult r = support.result(op, Outcome.SUCCEEDED, op.reason, op.message);
    r.asyncOpInProgress = false;
    return support.publish(r).replaceWith(Step.of(op));
  }

  /** Deprovision failures are never final here: the platform keeps remembering the instance. */
  private Uni<Step> deprovisionFailed(OperationRecord op, String reason, String message) {
    op.reason = reason;
    op.message = message;
    support.retryLater(op);
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = false;
    r.asyncOpInProgress = false;
    return support.publish(r).replaceWith(Step.of(op));
  }

  // --- polling ---------------------------------------------------------------------------

  private Uni<Step> poll(OperationRecord op) {
    boolean provision = op.operation == Operation.PROVISION;
    if (support.pollingExpired(op)) {
      String message = "The broker \"" + op.brokerName + "\" did not finish the " + (provision ? "provision" : "deprovision")
          + " within the maximum polling duration";
      op.operationToken = null;
      return provision
          ? failCreate(op, true, true, StepSupport.POLLING_TIMEOUT, message)
          : deprovisionFailed(op, StepSupport.POLLING_TIMEOUT, message);
    }
    String failureReason = provision ? Reasons.PROVISION_CALL_FAILED : Reasons.DEPROVISION_CALL_FAILED;
    return pollOnce(op, !provision, failureReason, op.originatingIdentity)
        .flatMap(o -> switch (o.kind()) {
          case DONE -> {
            op.httpStatus = o.httpStatus();
            yield provision ? provisioned(op) : deprovisioned(op);
          }
          case FAILED -> {
            op.httpStatus = o.httpStatus();
            op.operationToken = null;
            // Async provision failed: final, and the broker may hold a half-made instance.
            yield provision ? failCreate(op, true, true, o.reason(), o.message()) : deprovisionFailed(op, o.reason(), o.message());
          }
          default -> Uni.createFrom().item(keepPolling(op, o, provision ? Reasons.PROVISIONING : Reasons.DEPROVISIONING));
        });
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
