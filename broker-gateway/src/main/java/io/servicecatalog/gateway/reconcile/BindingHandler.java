package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.events.CredentialsPublisher;
import io.servicecatalog.gateway.events.CredentialsSealer;
import io.servicecatalog.gateway.k8s.ClusterId;
import io.servicecatalog.gateway.k8s.NamespaceIds;
import io.servicecatalog.gateway.osb.BindRequest;
import io.servicecatalog.gateway.osb.BindResource;
import io.servicecatalog.gateway.osb.BindResponse;
import io.servicecatalog.gateway.osb.KubernetesContext;
import io.servicecatalog.gateway.osb.OsbClient;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * BIND and UNBIND. Credentials exist here only in memory: a successful bind seals them and
 * publishes the envelope on servicecatalog.credentials first, and only then the BIND result (which
 * carries none). Unbind is sent after credential-injector removed the Secret, and ends with a
 * tombstone so the compacted topic forgets the sealed credentials.
 */
@Singleton
public class BindingHandler extends ConversationHandler {
  private static final Logger LOG = Logger.getLogger(BindingHandler.class);

  private final CatalogApi catalogApi;
  private final Resolver resolver;
  private final OperationStore store;
  private final ClusterId clusterId;
  private final NamespaceIds namespaceIds;
  private final CredentialsSealer sealer;
  private final CredentialsPublisher credentials;

  public BindingHandler(StepSupport support, OsbClient osb, CatalogApi catalogApi, Resolver resolver, OperationStore store,
      ClusterId clusterId, NamespaceIds namespaceIds, CredentialsSealer sealer, CredentialsPublisher credentials) {
    super(support, osb);
    this.catalogApi = catalogApi;
    this.resolver = resolver;
    this.store = store;
    this.clusterId = clusterId;
    this.namespaceIds = namespaceIds;
    this.sealer = sealer;
    this.credentials = credentials;
  }

  @Override
  public Set<Operation> operations() {
    return Set.of(Operation.BIND, Operation.UNBIND);
  }

  @Override
  String resourcePath(OperationRecord op) {
    return OsbPaths.binding(op.instanceId, op.bindingId);
  }

  @Override
  String lastOperationPath(OperationRecord op) {
    return OsbPaths.bindingLastOperation(op.instanceId, op.bindingId);
  }

  @Override
  String noun() {
    return "binding";
  }

  @Override
  public Uni<Step> step(OperationRecord op) {
    boolean bind = op.operation == Operation.BIND;
    return switch (op.state) {
      case PENDING -> bind ? sendBind(op) : sendUnbind(op);
      case POLLING -> bind ? pollBind(op) : pollUnbind(op);
      case ORPHAN_MITIGATION -> orphanMitigation(op);
      case OM_POLLING -> pollOrphanMitigation(op);
      default -> Uni.createFrom().item(Step.of(op));
    };
  }

  // --- bind ------------------------------------------------------------------------------

  private Uni<Step> sendBind(OperationRecord op) {
    return catalogApi
        .binding(op.resourceNamespace, op.resourceName)
        .flatMap(
            binding -> {
              if (binding == null || !Objects.equals(binding.getMetadata().getUid(), op.resourceUid)) {
                if (op.attempts > 0 && op.bindingId != null && op.brokerUrl != null) {
                  return Uni.createFrom().item(orphanMitigationForGone(op, "the binding is gone after a bind attempt"));
                }
                support.cancel(op, "the binding no longer exists");
                return Uni.createFrom().item(Step.of(op));
              }
              if (!Decisions.mayNeedBind(binding)) {
                support.cancel(op, "binding is no longer required (deleting or ready)");
                return Uni.createFrom().item(Step.of(op));
              }
              return catalogApi
                  .instance(binding.getMetadata().getNamespace(), binding.getSpec().instanceRef.name)
                  .flatMap(instance -> {
                    if (!Decisions.needsBind(binding, instance)) {
                      // Re-recorded when the instance becomes Ready (catalog-api re-publishes bindings).
                      support.cancel(op, "the instance is not ready");
                      return Uni.createFrom().item(Step.of(op));
                    }
                    if (support.retriesExpired(op)) {
                      return retriesExhausted(op);
                    }
                    return resolver.resolve(instance).flatMap(res -> bind(op, binding, res));
                  });
            });
  }

  private Uni<Step> bind(OperationRecord op, ServiceBinding binding, Resolution res) {
    op.generation = binding.getMetadata().getGeneration();
    if (res.plan() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_PLAN,
          "The instance references ClusterServicePlan \"" + res.planName() + "\", which does not exist");
    }
    if (res.serviceClass() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_CLASS,
          "The instance references ClusterServiceClass \"" + res.className() + "\", which does not exist");
    }
    if (!Decisions.bindable(res.serviceClass(), res.plan())) {
      op.terminal = true;
      op.reason = Reasons.ERROR_NONBINDABLE;
      op.message = "The plan \"" + res.plan().getSpec().externalName + "\" of class \"" + res.classExternalName()
          + "\" is not bindable";
      support.finish(op, OperationState.FAILED);
      OperationResult r = support.result(op, Outcome.FAILED, op.reason, op.message);
      r.terminal = true;
      return support.publish(r).replaceWith(Step.of(op));
    }
    if (res.broker() == null) {
      return retryWithReport(op, Reasons.BIND_CALL_FAILED,
          "The ClusterServiceBroker \"" + res.brokerName() + "\" of the instance's plan does not exist");
    }
    ServiceInstance instance = res.instance();
    if (instance.getSpec().externalID == null || binding.getSpec().externalID == null) {
      return retryWithReport(op, Reasons.BIND_CALL_FAILED, "The binding or its instance has no spec.externalID yet");
    }
    StepSupport.brokerInto(op, res.broker());
    op.instanceId = instance.getSpec().externalID;
    op.bindingId = binding.getSpec().externalID;
    op.serviceId = res.serviceId();
    op.planId = res.provisionedPlanId();
    op.originatingIdentity = StepSupport.originatingIdentity(binding.getSpec().userInfo);
    op.attempts++;
    support.newRequest(op);
    String ns = binding.getMetadata().getNamespace();
    return Uni.combine()
        .all()
        .unis(clusterId.get(), namespaceIds.uid(ns))
        .asTuple()
        .flatMap(ids -> {
          String appGuid = ids.getItem2();
          KubernetesContext context =
              new KubernetesContext(OsbHeaders.PLATFORM_KUBERNETES, ns, ids.getItem1(), instance.getMetadata().getName(), null, null);
          BindRequest body = new BindRequest(op.serviceId, op.planId, appGuid, new BindResource(appGuid, null),
              binding.getSpec().parameters, context);
          OperationResult inFlight = support.result(op, Outcome.IN_PROGRESS, Reasons.BINDING_REQUEST_IN_FLIGHT,
              "Bind request for ServiceBinding in-flight to Broker \"" + op.brokerName + "\"");
          inFlight.asyncOpInProgress = false;
          Map<String, String> q = new LinkedHashMap<>();
          q.put(OsbHeaders.ACCEPTS_INCOMPLETE, "true");
          return support
              .publish(inFlight)
              .flatMap(v -> send(op, "Bind", "PUT", OsbPaths.binding(op.instanceId, op.bindingId) + OsbPaths.query(q), body,
                  op.originatingIdentity, r -> OsbOutcomes.bind(op.brokerName, r),
                  e -> OsbOutcomes.transport(e, true, Reasons.BIND_CALL_FAILED)))
              .flatMap(o -> {
                support.note(op, o);
                return switch (o.kind()) {
                  case DONE -> deliver(op, binding, res.classExternalName(), o.bind());
                  case ACCEPTED -> {
                    op.reason = Reasons.BINDING;
                    op.message = "The binding is being created asynchronously";
                    support.startPolling(op, OperationState.POLLING, o.operation(), res.maximumPollingDuration());
                    OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
                    r.asyncOpInProgress = true;
                    r.lastOperation = o.operation();
                    yield Uni.createFrom().item(Step.of(op, r));
                  }
                  default -> failCreate(op, o.terminal(), o.orphanMitigation(), o.reason(), o.message());
                };
              });
        });
  }

  /**
   * Seals the credentials, publishes the envelope, and only once Kafka has it publishes the
   * BIND result. If anything fails the row is left as it was and the step is retried: the
   * broker answers a repeated bind (or GET) with the same credentials.
   */
  private Uni<Step> deliver(OperationRecord op, ServiceBinding binding, String classExternalName, BindResponse response) {
    String secretName = binding.getSpec().secretName != null && !binding.getSpec().secretName.isBlank()
        ? binding.getSpec().secretName
        : binding.getMetadata().getName();
    BindingCredentials plain = new BindingCredentials(
        response.credentials() == null ? Map.of() : response.credentials(),
        binding.getSpec().secretTransforms,
        op.brokerName,
        classExternalName);
    CredentialsEnvelope envelope = sealer.seal(binding, secretName, plain);
    op.reason = Reasons.INJECTING_BIND_RESULT;
    op.message = "The broker returned the binding's credentials; they are on their way to Secret \"" + secretName + "\"";
    op.operationToken = null;
    return credentials
        .publish(envelope)
        .flatMap(v -> {
          support.finish(op, OperationState.SUCCEEDED);
          OperationResult r = support.result(op, Outcome.SUCCEEDED, op.reason, op.message);
          r.asyncOpInProgress = false;
          return support.publish(r);
        })
        .replaceWith(Step.of(op));
  }

  private Uni<Step> pollBind(OperationRecord op) {
    if (support.pollingExpired(op)) {
      op.operationToken = null;
      return failCreate(op, true, true, StepSupport.POLLING_TIMEOUT,
          "The broker \"" + op.brokerName + "\" did not finish the bind within the maximum polling duration");
    }
    return pollOnce(op, false, Reasons.BIND_CALL_FAILED, op.originatingIdentity)
        .flatMap(o -> switch (o.kind()) {
          case DONE -> fetchAndDeliver(op);
          case FAILED -> {
            op.httpStatus = o.httpStatus();
            op.operationToken = null;
            // Spec: an async bind that failed calls for orphan mitigation of the binding.
            yield failCreate(op, true, true, o.reason(), o.message());
          }
          default -> Uni.createFrom().item(keepPolling(op, o, Reasons.BINDING));
        });
  }

  /** After an async bind: GET the binding for its credentials, then deliver them. */
  private Uni<Step> fetchAndDeliver(OperationRecord op) {
    support.newRequest(op);
    Map<String, String> q = new LinkedHashMap<>();
    q.put(OsbHeaders.SERVICE_ID, op.serviceId);
    q.put(OsbHeaders.PLAN_ID, op.planId);
    return send(op, "GetBinding", "GET", OsbPaths.binding(op.instanceId, op.bindingId) + OsbPaths.query(q), null,
            op.originatingIdentity, r -> OsbOutcomes.fetchBinding(op.brokerName, r), ConversationHandler::pollTransport)
        .flatMap(o -> {
          op.httpStatus = o.httpStatus();
          if (!o.is(Kind.DONE)) {
            LOG.warnf("%s: bind succeeded but the binding could not be fetched yet (%s)", op.subject(), o.message());
            support.pollAgain(op, null);
            return Uni.createFrom().item(Step.of(op));
          }
          return catalogApi.binding(op.resourceNamespace, op.resourceName).flatMap(binding -> {
            if (binding == null || !Objects.equals(binding.getMetadata().getUid(), op.resourceUid)) {
              return Uni.createFrom().item(orphanMitigationForGone(op, "the binding is gone while it was being created"));
            }
            return catalogApi.instance(binding.getMetadata().getNamespace(), binding.getSpec().instanceRef.name)
                .flatMap(instance -> instance == null
                    ? Uni.createFrom().item((String) null)
                    : resolver.resolve(instance).map(Resolution::classExternalName))
                .flatMap(className -> deliver(op, binding, className, o.bind()));
          });
        });
  }

  // --- unbind ----------------------------------------------------------------------------

  private Uni<Step> sendUnbind(OperationRecord op) {
    return catalogApi
        .binding(op.resourceNamespace, op.resourceName)
        .flatMap(binding -> {
          if (binding == null || !Objects.equals(binding.getMetadata().getUid(), op.resourceUid)) {
            support.cancel(op, "the binding no longer exists");
            return Uni.createFrom().item(Step.of(op));
          }
          if (!Decisions.needsUnbind(binding)) {
            support.cancel(op, "unbinding is not required now");
            return Uni.createFrom().item(Step.of(op));
          }
          if (support.retriesExpired(op)) {
            return retriesExhausted(op);
          }
          return store.find(op.resourceUid, Operation.BIND, OperationRecord.ONCE).flatMap(bindRow -> {
            if (busy(bindRow)) {
              LOG.debugf("%s: unbind waits for the bind (%s)", op.subject(), bindRow.state);
              support.waitFor(op, bindRow);
              return Uni.createFrom().item(Step.of(op));
            }
            return catalogApi.instance(binding.getMetadata().getNamespace(), binding.getSpec().instanceRef.name)
                .flatMap(instance -> instance == null
                    ? Uni.createFrom().item((Resolution) null)
                    : resolver.resolve(instance))
                .flatMap(res -> unbind(op, binding, res, bindRow));
          });
        });
  }

  private Uni<Step> unbind(OperationRecord op, ServiceBinding binding, Resolution res, OperationRecord bindRow) {
    op.generation = binding.getMetadata().getGeneration();
    op.instanceId = first(res == null ? null : res.instance().getSpec().externalID, bindRow == null ? null : bindRow.instanceId);
    op.bindingId = first(binding.getSpec().externalID, bindRow == null ? null : bindRow.bindingId);
    op.serviceId = first(res == null ? null : res.serviceId(), bindRow == null ? null : bindRow.serviceId);
    op.planId = first(res == null ? null : res.provisionedPlanId(), bindRow == null ? null : bindRow.planId);
    if (res != null && res.broker() != null) {
      StepSupport.brokerInto(op, res.broker());
    } else if (bindRow != null && bindRow.brokerUrl != null) {
      StepSupport.brokerInto(op, bindRow);
    } else {
      return retryWithReport(op, Reasons.UNBIND_CALL_FAILED, "Cannot unbind: the broker of the binding's instance cannot be found");
    }
    if (op.instanceId == null || op.bindingId == null || op.serviceId == null || op.planId == null) {
      return retryWithReport(op, Reasons.UNBIND_CALL_FAILED, "Cannot unbind: the instance, service or plan id cannot be determined");
    }
    op.originatingIdentity = StepSupport.originatingIdentity(binding.getSpec().userInfo);
    op.attempts++;
    support.newRequest(op);
    OperationResult inFlight = support.result(op, Outcome.IN_PROGRESS, Reasons.UNBINDING_REQUEST_IN_FLIGHT,
        "Unbind request for ServiceBinding in-flight to Broker \"" + op.brokerName + "\"");
    inFlight.asyncOpInProgress = false;
    Long maxPolling = res == null ? null : res.maximumPollingDuration();
    return support
        .publish(inFlight)
        .flatMap(v -> send(op, "Unbind", "DELETE", OsbPaths.binding(op.instanceId, op.bindingId) + OsbPaths.query(deleteQuery(op)),
            null, op.originatingIdentity, r -> OsbOutcomes.unbind(op.brokerName, r),
            e -> OsbOutcomes.transport(e, false, Reasons.UNBIND_CALL_FAILED)))
        .flatMap(o -> {
          support.note(op, o);
          return switch (o.kind()) {
            case DONE -> unbound(op);
            case ACCEPTED -> {
              op.reason = Reasons.UNBINDING;
              op.message = "The binding is being deleted asynchronously";
              support.startPolling(op, OperationState.POLLING, o.operation(), maxPolling);
              OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
              r.asyncOpInProgress = true;
              r.lastOperation = o.operation();
              yield Uni.createFrom().item(Step.of(op, r));
            }
            default -> unbindFailed(op, o.reason(), o.message());
          };
        });
  }

  private Uni<Step> pollUnbind(OperationRecord op) {
    if (support.pollingExpired(op)) {
      op.operationToken = null;
      return unbindFailed(op, StepSupport.POLLING_TIMEOUT,
          "The broker \"" + op.brokerName + "\" did not finish the unbind within the maximum polling duration");
    }
    return pollOnce(op, true, Reasons.UNBIND_CALL_FAILED, op.originatingIdentity)
        .flatMap(o -> switch (o.kind()) {
          case DONE -> unbound(op);
          case FAILED -> {
            op.operationToken = null;
            yield unbindFailed(op, o.reason(), o.message());
          }
          default -> Uni.createFrom().item(keepPolling(op, o, Reasons.UNBINDING));
        });
  }

  /** Result first, then the tombstone; a failed tombstone retries the (idempotent) unbind. */
  private Uni<Step> unbound(OperationRecord op) {
    op.reason = Reasons.UNBOUND_SUCCESSFULLY;
    op.message = "The binding was deleted at the broker successfully";
    op.operationToken = null;
    OperationResult r = support.result(op, Outcome.SUCCEEDED, op.reason, op.message);
    r.asyncOpInProgress = false;
    return support
        .publish(r)
        .flatMap(v -> credentials.tombstone(op.resourceUid))
        .map(v -> {
          support.finish(op, OperationState.SUCCEEDED);
          return Step.of(op);
        });
  }

  private Uni<Step> unbindFailed(OperationRecord op, String reason, String message) {
    op.reason = reason;
    op.message = message;
    support.retryLater(op);
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = false;
    r.asyncOpInProgress = false;
    return support.publish(r).replaceWith(Step.of(op));
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }
}
