package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.events.CredentialsPublisher;
import io.servicecatalog.gateway.events.CredentialsSealer;
import io.servicecatalog.gateway.osb.BindRequest;
import io.servicecatalog.gateway.osb.BindResource;
import io.servicecatalog.gateway.osb.BindResponse;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcome.Kind;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.params.Parameters;
import io.servicecatalog.gateway.params.ParametersException;
import io.servicecatalog.gateway.params.SchemaValidator;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.BindingCredentials;
import io.servicecatalog.model.events.CredentialsEnvelope;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * BIND, UNBIND, ROTATE_BINDING and UNBIND_PREDECESSOR. Credentials exist here only in memory: a
 * successful bind (or rotation) seals them and publishes the envelope on
 * servicecatalog.credentials first, and only then the result (which carries none). Unbind is
 * sent after credential-injector removed the Secret, and ends with a tombstone so the compacted
 * topic forgets the sealed credentials.
 *
 * <p>Rotation (spec: Binding Rotation, plans with binding_rotatable): a new OSB binding with a
 * new binding id and {@code predecessor_binding_id}; its credentials go out as a new envelope for
 * the same ServiceBinding uid; the predecessor is unbound after {@code
 * servicecatalog.rotation.grace-period}. The current OSB binding id is the binding id of the
 * last BIND or ROTATE_BINDING row that succeeded (spec.externalID stays the first one).
 */
@Singleton
public class BindingHandler extends ConversationHandler {
  private static final Logger LOG = Logger.getLogger(BindingHandler.class);

  private final CatalogApi catalogApi;
  private final Resolver resolver;
  private final OperationStore store;
  private final InstanceContext contexts;
  private final Parameters parameters;
  private final CredentialsSealer sealer;
  private final CredentialsPublisher credentials;

  public BindingHandler(StepSupport support, CatalogApi catalogApi, Resolver resolver, OperationStore store,
      InstanceContext contexts, Parameters parameters, CredentialsSealer sealer, CredentialsPublisher credentials) {
    super(support);
    this.catalogApi = catalogApi;
    this.resolver = resolver;
    this.store = store;
    this.contexts = contexts;
    this.parameters = parameters;
    this.sealer = sealer;
    this.credentials = credentials;
  }

  @Override
  public Set<Operation> operations() {
    return Set.of(Operation.BIND, Operation.UNBIND, Operation.ROTATE_BINDING, Operation.UNBIND_PREDECESSOR);
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

  private static boolean creates(OperationRecord op) {
    return op.operation == Operation.BIND || op.operation == Operation.ROTATE_BINDING;
  }

  @Override
  public Uni<Step> step(OperationRecord op) {
    return switch (op.state) {
      case PENDING -> switch (op.operation) {
        case BIND -> sendBind(op);
        case ROTATE_BINDING -> sendRotation(op);
        case UNBIND -> sendUnbind(op);
        default -> sendPredecessorUnbind(op);
      };
      case SENT -> creates(op)
          ? createOutcomeUnknown(op, op.operation == Operation.BIND ? Reasons.BIND_CALL_FAILED : Reasons.BINDING_ROTATION_FAILED)
          : Uni.createFrom().item(() -> {
            op.state = OperationState.PENDING;
            op.nextAttemptAt = Instant.now();
            return Step.of(op);
          });
      case POLLING -> creates(op) ? pollBind(op) : pollUnbind(op);
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
          "The instance references " + res.planKind() + " \"" + res.planName() + "\", which does not exist");
    }
    if (res.serviceClass() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_CLASS,
          "The instance references " + res.classKind() + " \"" + res.className() + "\", which does not exist");
    }
    if (!Decisions.bindable(res.classSpec(), res.planSpec())) {
      return failWithoutCall(op, Reasons.ERROR_NONBINDABLE, "The plan \"" + res.planExternalName() + "\" of class \""
          + res.classExternalName() + "\" is not bindable");
    }
    if (res.broker() == null) {
      return retryWithReport(op, Reasons.BIND_CALL_FAILED,
          "The " + res.brokerKind() + " \"" + res.brokerName() + "\" of the instance's plan does not exist");
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
    op.maxPollingSeconds = res.maximumPollingDuration();
    op.rotationRequests = binding.getSpec().rotationRequests == null ? 0L : binding.getSpec().rotationRequests;
    op.originatingIdentity = StepSupport.originatingIdentity(binding.getSpec().userInfo);
    String ns = binding.getMetadata().getNamespace();
    return parameters.build(ns, binding.getSpec().parameters, binding.getSpec().parametersFrom)
        .map(built -> {
          SchemaValidator.validate(res.planSpec().serviceBindingCreateParameterSchema, built.parameters(),
              "the plan's service binding create schema");
          return built;
        })
        .onItemOrFailure()
        .transformToUni((built, failure) -> {
          if (failure instanceof ParametersException pe) {
            return parametersFailed(op, pe);
          }
          if (failure != null) {
            return Uni.createFrom().failure(failure);
          }
          op.parametersChecksum = built.checksum();
          return contexts.of(instance, false).flatMap(ctx -> {
            String appGuid = ctx.spaceGuid();
            BindRequest body = new BindRequest(op.serviceId, op.planId, appGuid, new BindResource(appGuid, null),
                built.parameters(), ctx.context(), null);
            return sendCreate(op, body, Reasons.BINDING_REQUEST_IN_FLIGHT,
                "Bind request for ServiceBinding in-flight to Broker \"" + op.brokerName + "\"", "Bind", binding, res);
          });
        });
  }

  /** The PUT of a bind or rotation: in-flight result, SENT checkpoint, request, conclusion. */
  private Uni<Step> sendCreate(OperationRecord op, BindRequest body, String inFlightReason, String inFlightMessage, String action,
      ServiceBinding binding, Resolution res) {
    op.attempts++;
    support.newRequest(op);
    OperationResult inFlight = support.result(op, Outcome.IN_PROGRESS, inFlightReason, inFlightMessage);
    inFlight.asyncOpInProgress = false;
    return support
        .publish(inFlight)
        .flatMap(v -> {
          op.state = OperationState.SENT;
          return support.checkpoint(op);
        })
        .flatMap(v -> send(op, action, "PUT", OsbPaths.binding(op.instanceId, op.bindingId) + OsbPaths.query(acceptsIncomplete()), body,
            op.originatingIdentity, r -> OsbOutcomes.bind(op.brokerName, r),
            e -> OsbOutcomes.transport(e, true, op.operation == Operation.BIND ? Reasons.BIND_CALL_FAILED : Reasons.BINDING_ROTATION_FAILED)))
        .flatMap(o -> {
          support.note(op, o);
          return switch (o.kind()) {
            case DONE -> deliver(op, binding, res, o.bind());
            case ACCEPTED -> {
              boolean rotation = op.operation == Operation.ROTATE_BINDING;
              op.reason = rotation ? Reasons.ROTATING_BINDING : Reasons.BINDING;
              op.message = rotation ? "The successor binding is being created asynchronously" : "The binding is being created asynchronously";
              support.startPolling(op, OperationState.POLLING, o.operation(), res.maximumPollingDuration());
              OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
              r.asyncOpInProgress = true;
              r.lastOperation = o.operation();
              yield Uni.createFrom().item(Step.of(op, r));
            }
            default -> {
              String reason = op.operation == Operation.ROTATE_BINDING && !Reasons.REQUIRES_APP.equals(o.reason())
                  ? Reasons.BINDING_ROTATION_FAILED : o.reason();
              yield failCreate(op, o.terminal(), o.orphanMitigation(), reason, o.message());
            }
          };
        });
  }

  /**
   * Seals the credentials, publishes the envelope, schedules what follows (predecessor unbind,
   * automatic rotation), and only then publishes the result. If anything fails before the
   * result is out the row is left as it was: a sync create (row SENT) is then orphan-mitigated
   * and sent again, since a broker may hand credentials out only once; an async one is fetched
   * again (GET is repeatable).
   */
  private Uni<Step> deliver(OperationRecord op, ServiceBinding binding, Resolution res, BindResponse response) {
    String secretName = binding.getSpec().secretName != null && !binding.getSpec().secretName.isBlank()
        ? binding.getSpec().secretName
        : binding.getMetadata().getName();
    BindingCredentials plain = new BindingCredentials(
        response.credentials() == null ? Map.of() : response.credentials(),
        binding.getSpec().secretTransforms,
        op.brokerName,
        res == null ? null : res.classExternalName());
    CredentialsEnvelope envelope = sealer.seal(binding, secretName, plain);
    Instant now = Instant.now();
    op.expiresAt = response.expiresAt();
    op.renewBefore = response.renewBefore();
    Instant next = res != null && res.bindingRotatable() ? nextRotation(op, now) : null;
    boolean rotation = op.operation == Operation.ROTATE_BINDING;
    // What follows the credentials is scheduled first, so that once the envelope is out only
    // the result remains to be published.
    return (rotation ? schedulePredecessorUnbind(op, now) : Uni.createFrom().voidItem())
        .flatMap(v -> next == null ? Uni.createFrom().voidItem() : scheduleRotation(op, next))
        .flatMap(v -> credentials.publish(envelope))
        .flatMap(v -> {
          OperationResult r;
          if (rotation) {
            r = support.result(op, Outcome.SUCCEEDED, Reasons.BINDING_ROTATED, "The binding was rotated: new credentials from binding "
                + op.bindingId + " are on their way to Secret \"" + secretName + "\"; the predecessor " + op.predecessorBindingId
                + " is unbound after " + support.config().rotation().gracePeriod());
            r.predecessorBindingId = op.predecessorBindingId;
            r.lastRotationTime = Times.format(now);
            r.rotationRequests = op.rotationRequests;
          } else {
            r = support.result(op, Outcome.SUCCEEDED, Reasons.INJECTING_BIND_RESULT,
                "The broker returned the binding's credentials; they are on their way to Secret \"" + secretName + "\"");
          }
          r.asyncOpInProgress = false;
          r.bindingId = op.bindingId;
          r.expiresAt = op.expiresAt == null ? null : Times.format(op.expiresAt);
          r.renewBefore = op.renewBefore == null ? null : Times.format(op.renewBefore);
          r.nextRotationTime = next == null ? null : Times.format(next);
          return support.publish(r).map(x -> r);
        })
        .map(r -> {
          op.reason = r.reason;
          op.message = r.message;
          op.operationToken = null;
          support.finish(op, OperationState.SUCCEEDED);
          return Step.of(op);
        });
  }

  /** When to rotate automatically: renew_before, else expires_at less a margin; never too soon. */
  private Instant nextRotation(OperationRecord op, Instant now) {
    Instant at = op.renewBefore != null ? op.renewBefore
        : op.expiresAt != null ? op.expiresAt.minus(support.config().rotation().beforeExpiry()) : null;
    if (at == null) {
      return null;
    }
    Instant earliest = now.plus(support.config().rotation().minimumInterval());
    return at.isBefore(earliest) ? earliest : at;
  }

  private Uni<Void> scheduleRotation(OperationRecord op, Instant at) {
    OperationRecord r = scheduled(op, Operation.ROTATE_BINDING, Decisions.ROTATION_AUTO_KEY_PREFIX + op.bindingId, at);
    return store.insert(r).invoke(inserted -> {
      if (inserted) {
        LOG.infof("%s: automatic rotation of binding %s scheduled at %s", op.subject(), op.bindingId, at);
      }
    }).replaceWithVoid();
  }

  private Uni<Void> schedulePredecessorUnbind(OperationRecord op, Instant now) {
    Instant at = now.plus(support.config().rotation().gracePeriod());
    OperationRecord r = scheduled(op, Operation.UNBIND_PREDECESSOR, Decisions.PREDECESSOR_KEY_PREFIX + op.predecessorBindingId, at);
    StepSupport.brokerInto(r, op);
    r.instanceId = op.instanceId;
    r.bindingId = op.predecessorBindingId;
    r.predecessorBindingId = op.predecessorBindingId;
    r.serviceId = op.serviceId;
    r.planId = op.planId;
    return store.insert(r).replaceWithVoid();
  }

  private OperationRecord scheduled(OperationRecord op, Operation operation, String key, Instant at) {
    OperationRecord r = new OperationRecord();
    r.resourceKind = op.resourceKind;
    r.resourceNamespace = op.resourceNamespace;
    r.resourceName = op.resourceName;
    r.resourceUid = op.resourceUid;
    r.operation = operation;
    r.opKey = key;
    r.generation = op.generation;
    r.state = OperationState.PENDING;
    r.serialKey = op.serialKey;
    r.nextAttemptAt = at;
    r.startedAt = at;
    r.retryDeadline = at.plus(support.config().retry().maxDuration());
    return r;
  }

  private Uni<Step> pollBind(OperationRecord op) {
    boolean rotation = op.operation == Operation.ROTATE_BINDING;
    String failure = rotation ? Reasons.BINDING_ROTATION_FAILED : Reasons.BIND_CALL_FAILED;
    if (support.pollingExpired(op)) {
      op.operationToken = null;
      return failCreate(op, true, true, StepSupport.POLLING_TIMEOUT,
          "The broker \"" + op.brokerName + "\" did not finish the " + describe(op.operation) + " within the maximum polling duration");
    }
    return pollOnce(op, false, failure, op.originatingIdentity)
        .flatMap(o -> switch (o.kind()) {
          case DONE -> fetchAndDeliver(op);
          case FAILED -> {
            op.httpStatus = o.httpStatus();
            op.operationToken = null;
            // Spec: an async bind that failed calls for orphan mitigation of the binding.
            yield failCreate(op, true, true, o.reason(), o.message());
          }
          default -> Uni.createFrom().item(keepPolling(op, o, rotation ? Reasons.ROTATING_BINDING : Reasons.BINDING));
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
                .flatMap(instance -> instance == null ? Uni.createFrom().item((Resolution) null) : resolver.resolve(instance))
                .flatMap(res -> deliver(op, binding, res, o.bind()));
          });
        });
  }

  // --- rotation --------------------------------------------------------------------------

  private Uni<Step> sendRotation(OperationRecord op) {
    boolean automatic = op.opKey.startsWith(Decisions.ROTATION_AUTO_KEY_PREFIX);
    return catalogApi.binding(op.resourceNamespace, op.resourceName).flatMap(binding -> {
      if (binding == null || !Objects.equals(binding.getMetadata().getUid(), op.resourceUid)
          || Decisions.deleting(binding.getMetadata().getDeletionTimestamp())) {
        support.cancel(op, "the binding is gone or being deleted");
        return Uni.createFrom().item(Step.of(op));
      }
      if (binding.getStatus() == null || !binding.getStatus().isReady()) {
        if (automatic) {
          support.lookAgainSoon(op);
        } else {
          // Recorded again when the binding is Ready (its status change is an event).
          support.cancel(op, "the binding is not ready");
        }
        return Uni.createFrom().item(Step.of(op));
      }
      return store.lastSucceeded(op.resourceUid, Operation.BIND, Operation.ROTATE_BINDING).flatMap(active -> {
        if (active == null || active.bindingId == null) {
          support.cancel(op, "the binding was not bound by this gateway");
          return Uni.createFrom().item(Step.of(op));
        }
        long answered = active.rotationRequests == null ? 0 : active.rotationRequests;
        if (!automatic) {
          long requested = Long.parseLong(op.opKey.substring(Decisions.ROTATION_REQUEST_KEY_PREFIX.length()));
          if (requested <= answered) {
            support.cancel(op, "rotation request " + requested + " was already answered");
            return Uni.createFrom().item(Step.of(op));
          }
        } else if (!op.opKey.equals(Decisions.ROTATION_AUTO_KEY_PREFIX + active.bindingId)) {
          support.cancel(op, "the binding was rotated since this automatic rotation was scheduled");
          return Uni.createFrom().item(Step.of(op));
        }
        if (support.retriesExpired(op)) {
          return retriesExhausted(op);
        }
        return catalogApi.instance(binding.getMetadata().getNamespace(), binding.getSpec().instanceRef.name)
            .flatMap(instance -> {
              if (instance == null || Decisions.deleting(instance.getMetadata().getDeletionTimestamp())) {
                support.cancel(op, "the instance is gone or being deleted");
                return Uni.createFrom().item(Step.of(op));
              }
              return resolver.resolve(instance).flatMap(res -> rotate(op, binding, res, active));
            });
      });
    });
  }

  private Uni<Step> rotate(OperationRecord op, ServiceBinding binding, Resolution res, OperationRecord active) {
    op.generation = binding.getMetadata().getGeneration();
    op.rotationRequests = Math.max(binding.getSpec().rotationRequests == null ? 0 : binding.getSpec().rotationRequests,
        active.rotationRequests == null ? 0 : active.rotationRequests);
    if (res.plan() == null || res.serviceClass() == null) {
      return retryWithReport(op, Reasons.BINDING_ROTATION_FAILED, "The plan or class of the binding's instance does not exist");
    }
    if (!res.bindingRotatable()) {
      return failWithoutCall(op, Reasons.ERROR_BINDING_NOT_ROTATABLE, "The plan \"" + res.planExternalName()
          + "\" is not binding_rotatable: the binding keeps its credentials; no request was sent to the broker");
    }
    if (res.broker() != null) {
      StepSupport.brokerInto(op, res.broker());
    } else {
      StepSupport.brokerInto(op, active);
    }
    ServiceInstance instance = res.instance();
    op.instanceId = instance.getSpec().externalID != null ? instance.getSpec().externalID : active.instanceId;
    op.predecessorBindingId = active.bindingId;
    if (op.bindingId == null || op.bindingId.equals(active.bindingId)) {
      op.bindingId = UUID.randomUUID().toString();
    }
    op.serviceId = res.serviceId();
    op.planId = res.provisionedPlanId();
    op.maxPollingSeconds = res.maximumPollingDuration();
    op.originatingIdentity = StepSupport.originatingIdentity(binding.getSpec().userInfo);
    return contexts.of(instance, false).flatMap(ctx -> {
      String appGuid = ctx.spaceGuid();
      BindRequest body = new BindRequest(op.serviceId, op.planId, appGuid, new BindResource(appGuid, null), null, ctx.context(),
          op.predecessorBindingId);
      return sendCreate(op, body, Reasons.ROTATION_REQUEST_IN_FLIGHT, "Rotation of binding " + op.predecessorBindingId
          + ": successor binding " + op.bindingId + " requested from Broker \"" + op.brokerName + "\"", "RotateBinding", binding, res);
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
          // The claim keeps this row away while a bind or rotation of the binding is under way.
          return Uni.combine().all()
              .unis(store.find(op.resourceUid, Operation.BIND, OperationRecord.ONCE),
                  store.lastSucceeded(op.resourceUid, Operation.BIND, Operation.ROTATE_BINDING),
                  catalogApi.instance(binding.getMetadata().getNamespace(), binding.getSpec().instanceRef.name))
              .asTuple()
              .flatMap(t -> (t.getItem3() == null ? Uni.createFrom().item((Resolution) null) : resolver.resolve(t.getItem3()))
                  .flatMap(res -> unbind(op, binding, res, t.getItem1(), t.getItem2())));
        });
  }

  private Uni<Step> unbind(OperationRecord op, ServiceBinding binding, Resolution res, OperationRecord bindRow, OperationRecord active) {
    OperationRecord known = active != null ? active : bindRow;
    op.generation = binding.getMetadata().getGeneration();
    op.instanceId = first(res == null ? null : res.instance().getSpec().externalID, known == null ? null : known.instanceId);
    op.bindingId = first(active == null ? null : active.bindingId, first(binding.getSpec().externalID, bindRow == null ? null : bindRow.bindingId));
    op.serviceId = first(res == null ? null : res.serviceId(), known == null ? null : known.serviceId);
    op.planId = first(res == null ? null : res.provisionedPlanId(), known == null ? null : known.planId);
    if (res != null && res.broker() != null) {
      StepSupport.brokerInto(op, res.broker());
    } else if (known != null && known.brokerUrl != null) {
      StepSupport.brokerInto(op, known);
    } else {
      return unbindFailed(op, Reasons.UNBIND_CALL_FAILED, "Cannot unbind: the broker of the binding's instance cannot be found", true);
    }
    if (op.instanceId == null || op.bindingId == null || op.serviceId == null || op.planId == null) {
      return unbindFailed(op, Reasons.UNBIND_CALL_FAILED, "Cannot unbind: the instance, service or plan id cannot be determined", true);
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
        .flatMap(v -> sendDelete(op, "Unbind", op.originatingIdentity))
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
            default -> unbindFailed(op, o.reason(), o.message(), false);
          };
        });
  }

  private Uni<OsbOutcome> sendDelete(OperationRecord op, String action, String identity) {
    return send(op, action, "DELETE", OsbPaths.binding(op.instanceId, op.bindingId) + OsbPaths.query(deleteQuery(op)),
        null, identity, r -> OsbOutcomes.unbind(op.brokerName, r),
        e -> OsbOutcomes.transport(e, false, Reasons.UNBIND_CALL_FAILED));
  }

  private Uni<Step> pollUnbind(OperationRecord op) {
    boolean predecessor = op.operation == Operation.UNBIND_PREDECESSOR;
    if (support.pollingExpired(op)) {
      op.operationToken = null;
      return unbindFailed(op, predecessor ? Reasons.PREDECESSOR_UNBIND_FAILED : StepSupport.POLLING_TIMEOUT,
          "The broker \"" + op.brokerName + "\" did not finish the unbind within the maximum polling duration", false);
    }
    return pollOnce(op, true, Reasons.UNBIND_CALL_FAILED, predecessor ? null : op.originatingIdentity)
        .flatMap(o -> switch (o.kind()) {
          case DONE -> predecessor ? predecessorUnbound(op) : unbound(op);
          case FAILED -> {
            op.operationToken = null;
            // Spec: a failed async unbind is orphan-mitigated, i.e. the DELETE is sent again.
            yield unbindFailed(op, predecessor ? Reasons.PREDECESSOR_UNBIND_FAILED : o.reason(), o.message(), false);
          }
          default -> Uni.createFrom().item(keepPolling(op, o, Reasons.UNBINDING));
        });
  }

  /** Result first, then the tombstone; a failed tombstone retries the (idempotent) unbind. */
  private Uni<Step> unbound(OperationRecord op) {
    OperationResult r = support.result(op, Outcome.SUCCEEDED, Reasons.UNBOUND_SUCCESSFULLY,
        "The binding was deleted at the broker successfully");
    r.asyncOpInProgress = false;
    r.bindingId = op.bindingId;
    return support
        .publish(r)
        .flatMap(v -> credentials.tombstone(op.resourceUid))
        // Predecessors of a rotated binding waiting for their grace period go now.
        .flatMap(v -> store.hurryPredecessorUnbinds(op.resourceUid))
        .map(v -> {
          op.reason = Reasons.UNBOUND_SUCCESSFULLY;
          op.message = r.message;
          op.operationToken = null;
          support.finish(op, OperationState.SUCCEEDED);
          return Step.of(op);
        });
  }

  /** Unbind failures are retried: the platform keeps remembering the binding. */
  private Uni<Step> unbindFailed(OperationRecord op, String reason, String message, boolean beforeSending) {
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = false;
    r.asyncOpInProgress = false;
    if (op.operation == Operation.UNBIND_PREDECESSOR) {
      r.predecessorBindingId = op.bindingId;
    }
    return support.publish(r).map(v -> {
      op.reason = reason;
      op.message = message;
      if (beforeSending) {
        op.attempts++;
      }
      support.retryLater(op);
      return Step.of(op);
    });
  }

  // --- predecessor of a rotation ---------------------------------------------------------

  /** The row carries everything needed; the ServiceBinding itself may be gone by now. */
  private Uni<Step> sendPredecessorUnbind(OperationRecord op) {
    if (support.retriesExpired(op)) {
      return retriesExhausted(op);
    }
    op.attempts++;
    support.newRequest(op);
    return sendDelete(op, "UnbindPredecessor", null).flatMap(o -> {
      support.note(op, o);
      return switch (o.kind()) {
        case DONE -> predecessorUnbound(op);
        case ACCEPTED -> {
          support.startPolling(op, OperationState.POLLING, o.operation(), null);
          yield Uni.createFrom().item(Step.of(op));
        }
        default -> unbindFailed(op, Reasons.PREDECESSOR_UNBIND_FAILED, o.message(), false);
      };
    });
  }

  private Uni<Step> predecessorUnbound(OperationRecord op) {
    OperationResult r = support.result(op, Outcome.SUCCEEDED, Reasons.PREDECESSOR_UNBOUND,
        "The predecessor binding " + op.bindingId + " of a rotation was unbound after its grace period");
    r.predecessorBindingId = op.bindingId;
    return support.publish(r).map(v -> {
      op.reason = Reasons.PREDECESSOR_UNBOUND;
      op.message = r.message;
      op.operationToken = null;
      support.finish(op, OperationState.SUCCEEDED);
      return Step.of(op);
    });
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

}
