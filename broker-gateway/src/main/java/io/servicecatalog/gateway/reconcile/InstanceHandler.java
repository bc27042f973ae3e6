package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.catalogapi.CatalogApi;
import io.servicecatalog.gateway.osb.MaintenanceInfo;
import io.servicecatalog.gateway.osb.OsbOutcome;
import io.servicecatalog.gateway.osb.OsbOutcomes;
import io.servicecatalog.gateway.osb.OsbPaths;
import io.servicecatalog.gateway.osb.ProvisionRequest;
import io.servicecatalog.gateway.osb.UpdateRequest;
import io.servicecatalog.gateway.osb.ErrorResponse;
import io.servicecatalog.gateway.params.Parameters;
import io.servicecatalog.gateway.params.ParametersException;
import io.servicecatalog.gateway.params.SchemaValidator;
import io.servicecatalog.gateway.store.NewOperation;
import io.servicecatalog.gateway.store.OperationRecord;
import io.servicecatalog.gateway.store.OperationState;
import io.servicecatalog.gateway.store.OperationStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Operation;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * PROVISION, UPDATE and DEPROVISION of service instances. Before a request is sent the instance
 * is read again from catalog-api and the decision re-checked, so a stale row never acts on
 * something deleted or changed meanwhile; once sent, the row (with the operation token) drives
 * polling, retries and orphan mitigation on its own.
 */
@Singleton
public class InstanceHandler extends ConversationHandler {
  private static final Logger LOG = Logger.getLogger(InstanceHandler.class);

  private final CatalogApi catalogApi;
  private final Resolver resolver;
  private final OperationStore store;
  private final InstanceContext contexts;
  private final Parameters parameters;

  public InstanceHandler(StepSupport support, CatalogApi catalogApi, Resolver resolver, OperationStore store,
      InstanceContext contexts, Parameters parameters) {
    super(support);
    this.catalogApi = catalogApi;
    this.resolver = resolver;
    this.store = store;
    this.contexts = contexts;
    this.parameters = parameters;
  }

  @Override
  public Set<Operation> operations() {
    return Set.of(Operation.PROVISION, Operation.UPDATE, Operation.DEPROVISION);
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
    return switch (op.state) {
      case PENDING -> switch (op.operation) {
        case PROVISION -> sendProvision(op);
        case UPDATE -> sendUpdate(op);
        default -> sendDeprovision(op);
      };
      case SENT -> op.operation == Operation.PROVISION
          ? createOutcomeUnknown(op, Reasons.PROVISION_CALL_FAILED)
          : resend(op);
      case POLLING -> poll(op);
      case ORPHAN_MITIGATION -> orphanMitigation(op);
      case OM_POLLING -> pollOrphanMitigation(op);
      default -> Uni.createFrom().item(Step.of(op));
    };
  }

  /** Updates and deletes may simply be sent again (the broker answers a repeat the same way). */
  private Uni<Step> resend(OperationRecord op) {
    op.state = OperationState.PENDING;
    op.nextAttemptAt = java.time.Instant.now();
    return Uni.createFrom().item(Step.of(op));
  }

  /** Builds and checks parameters; a failure becomes the step's outcome, no call is made. */
  private Uni<Step> withParameters(OperationRecord op, ServiceInstance instance, com.fasterxml.jackson.databind.JsonNode schema,
      String schemaName, Function<Parameters.Built, Uni<Step>> then) {
    return parameters
        .build(instance.getMetadata().getNamespace(), instance.getSpec().parameters, instance.getSpec().parametersFrom)
        .map(built -> {
          SchemaValidator.validate(schema, built.parameters(), schemaName);
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
          return then.apply(built);
        });
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
          "The instance references " + res.planKind() + " \"" + res.planName() + "\", which does not exist");
    }
    if (res.serviceClass() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_CLASS,
          "The instance references " + res.classKind() + " \"" + res.className() + "\", which does not exist");
    }
    if (res.broker() == null) {
      return retryWithReport(op, Reasons.PROVISION_CALL_FAILED,
          "The " + res.brokerKind() + " \"" + res.brokerName() + "\" of the instance's plan does not exist");
    }
    if (instance.getSpec().externalID == null) {
      return retryWithReport(op, Reasons.PROVISION_CALL_FAILED, "The instance has no spec.externalID yet");
    }
    op.generation = instance.getMetadata().getGeneration();
    StepSupport.brokerInto(op, res.broker());
    op.instanceId = instance.getSpec().externalID;
    op.serviceId = res.serviceId();
    op.planId = res.planId();
    op.maxPollingSeconds = res.maximumPollingDuration();
    op.maintenanceVersion = res.maintenanceVersion();
    op.originatingIdentity = StepSupport.originatingIdentity(instance.getSpec().userInfo);
    return withParameters(op, instance, res.planSpec().instanceCreateParameterSchema, "the plan's instance create schema",
        built -> contexts.of(instance, true).flatMap(ctx -> {
          op.parametersChecksum = built.checksum();
          op.attempts++;
          support.newRequest(op);
          ProvisionRequest body = new ProvisionRequest(op.serviceId, op.planId, ctx.context(), ctx.organizationGuid(),
              ctx.spaceGuid(), built.parameters(), MaintenanceInfo.of(op.maintenanceVersion));
          OperationResult inFlight = support.result(op, Outcome.IN_PROGRESS, Reasons.PROVISION_REQUEST_IN_FLIGHT,
              "Provision request for ServiceInstance in-flight to Broker \"" + op.brokerName + "\"");
          inFlight.asyncOpInProgress = false;
          return support
              .publish(inFlight)
              .flatMap(v -> {
                // From here until the answer is recorded the outcome is unknown to everyone else.
                op.state = OperationState.SENT;
                return support.checkpoint(op);
              })
              .flatMap(v -> send(op, "ProvisionInstance", "PUT", OsbPaths.instance(op.instanceId) + OsbPaths.query(acceptsIncomplete()),
                  body, op.originatingIdentity, r -> OsbOutcomes.provision(op.brokerName, r),
                  e -> OsbOutcomes.transport(e, true, Reasons.PROVISION_CALL_FAILED)))
              .flatMap(o -> concludeProvision(op, o, res));
        }));
  }

  private Uni<Step> concludeProvision(OperationRecord op, OsbOutcome o, Resolution res) {
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
        support.startPolling(op, OperationState.POLLING, o.operation(), res.maximumPollingDuration());
        OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
        r.asyncOpInProgress = true;
        r.lastOperation = o.operation();
        r.dashboardURL = op.dashboardUrl;
        return Uni.createFrom().item(Step.of(op, r));
      }
      default -> {
        Uni<Void> refetch = o.isError(ErrorResponse.MAINTENANCE_INFO_CONFLICT) ? refetchCatalog(op, res) : Uni.createFrom().voidItem();
        return refetch.flatMap(v -> failCreate(op, o.terminal(), o.orphanMitigation(), o.reason(), o.message()));
      }
    }
  }

  /** Spec, MaintenanceInfoConflict: the platform SHOULD fetch the broker's catalog again. */
  private Uni<Void> refetchCatalog(OperationRecord op, Resolution res) {
    if (res.broker() == null) {
      return Uni.createFrom().voidItem();
    }
    var b = res.broker();
    NewOperation fetch = new NewOperation(b.getKind(), b.getMetadata().getNamespace(), b.getMetadata().getName(),
        b.getMetadata().getUid(), b.getMetadata().getGeneration(), Operation.FETCH_CATALOG,
        Decisions.CONFLICT_KEY_PREFIX + op.resourceUid + ":" + op.requestIdentity, null);
    LOG.infof("%s: maintenance_info conflict; fetching the catalog of %s %s again", op.subject(), b.getKind(), b.getMetadata().getName());
    return store.ensure(fetch, support.config().retry().maxDuration()).replaceWithVoid();
  }

  private Uni<Step> provisioned(OperationRecord op) {
    OperationResult r = support.result(op, Outcome.SUCCEEDED, Reasons.PROVISIONED_SUCCESSFULLY, "The instance was provisioned successfully");
    r.asyncOpInProgress = false;
    r.dashboardURL = op.dashboardUrl;
    r.planExternalID = op.planId;
    r.maintenanceInfoVersion = op.maintenanceVersion;
    return support.publish(r).map(v -> {
      op.reason = Reasons.PROVISIONED_SUCCESSFULLY;
      op.message = "The instance was provisioned successfully";
      op.operationToken = null;
      support.finish(op, OperationState.SUCCEEDED);
      return Step.of(op);
    });
  }

  // --- update ----------------------------------------------------------------------------

  private Uni<Step> sendUpdate(OperationRecord op) {
    return catalogApi
        .instance(op.resourceNamespace, op.resourceName)
        .flatMap(instance -> {
          if (instance == null || !Objects.equals(instance.getMetadata().getUid(), op.resourceUid)) {
            support.cancel(op, "the instance no longer exists");
            return Uni.createFrom().item(Step.of(op));
          }
          Long generation = instance.getMetadata().getGeneration();
          if (generation != null && op.generation != null && generation > op.generation) {
            support.cancel(op, "superseded by generation " + generation);
            return Uni.createFrom().item(Step.of(op));
          }
          if (!Decisions.needsUpdate(instance)) {
            support.cancel(op, "updating is no longer required (deleting, not provisioned, or generation processed)");
            return Uni.createFrom().item(Step.of(op));
          }
          if (support.retriesExpired(op)) {
            return retriesExhausted(op);
          }
          return Uni.combine().all()
              .unis(resolver.resolve(instance), store.lastSucceeded(op.resourceUid, Operation.PROVISION, Operation.UPDATE))
              .asTuple()
              .flatMap(t -> update(op, t.getItem1(), t.getItem2()));
        });
  }

  private Uni<Step> update(OperationRecord op, Resolution res, OperationRecord applied) {
    ServiceInstance instance = res.instance();
    if (res.plan() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_PLAN,
          "The instance references " + res.planKind() + " \"" + res.planName() + "\", which does not exist");
    }
    if (res.serviceClass() == null) {
      return retryWithReport(op, Reasons.REFERENCES_NONEXISTENT_CLASS,
          "The instance references " + res.classKind() + " \"" + res.className() + "\", which does not exist");
    }
    if (res.broker() == null) {
      return retryWithReport(op, Reasons.UPDATE_INSTANCE_CALL_FAILED,
          "The " + res.brokerKind() + " \"" + res.brokerName() + "\" of the instance's plan does not exist");
    }
    StepSupport.brokerInto(op, res.broker());
    op.instanceId = instance.getSpec().externalID != null ? instance.getSpec().externalID : applied == null ? null : applied.instanceId;
    op.serviceId = res.serviceId();
    op.planId = res.planId();
    op.previousPlanId = applied != null && applied.planId != null ? applied.planId : res.provisionedPlanId();
    op.previousMaintenanceVersion = applied == null ? null : applied.maintenanceVersion;
    op.maintenanceVersion = res.maintenanceVersion();
    op.originatingIdentity = StepSupport.originatingIdentity(instance.getSpec().userInfo);
    boolean planChange = op.previousPlanId != null && !op.previousPlanId.equals(op.planId);
    op.planChange = planChange;
    Uni<Boolean> updatable = planChange ? mayChangePlan(res, op.previousPlanId) : Uni.createFrom().item(true);
    return updatable.flatMap(allowed -> {
      if (!allowed) {
        return failWithoutCall(op, Reasons.ERROR_PLAN_NOT_UPDATABLE, "The plan of the instance cannot be changed from \""
            + op.previousPlanId + "\" to \"" + res.planExternalName() + "\" (" + op.planId
            + "): the current plan, and its class, are not plan_updateable; no request was sent to the broker");
      }
      return withParameters(op, instance, res.planSpec().instanceUpdateParameterSchema, "the plan's instance update schema",
          built -> sendPatch(op, res, applied, built, planChange));
    });
  }

  /**
   * Spec: a plan change may be requested only when the instance's current plan (else its class)
   * is plan_updateable. The current plan is looked up by its OSB id; when the catalog no longer
   * has it, the class decides.
   */
  private Uni<Boolean> mayChangePlan(Resolution res, String currentPlanId) {
    return resolver.planByExternalId(res.scope(), currentPlanId)
        .map(current -> Resolution.planUpdatable(current == null ? null : current.getSpec(), res.classSpec()));
  }

  private Uni<Step> sendPatch(OperationRecord op, Resolution res, OperationRecord applied, Parameters.Built built, boolean planChange) {
    String previousChecksum = applied == null ? null : applied.parametersChecksum;
    boolean parametersChange = applied == null ? !built.isEmpty() : !Objects.equals(previousChecksum, built.checksum());
    boolean maintenanceChange = op.maintenanceVersion != null && !op.maintenanceVersion.equals(op.previousMaintenanceVersion);
    op.parametersChecksum = parametersChange ? built.checksum() : previousChecksum;
    if (!planChange && !parametersChange && !maintenanceChange) {
      // Nothing the broker needs to hear (a context-only update needs allow_context_updates).
      return updated(op, "Nothing changed that the broker needs to know (plan, parameters and maintenance_info are as before)");
    }
    ServiceInstance instance = res.instance();
    return contexts.of(instance, true).flatMap(ctx -> {
      op.attempts++;
      support.newRequest(op);
      UpdateRequest body = new UpdateRequest(
          op.serviceId,
          planChange ? op.planId : null,
          ctx.context(),
          parametersChange ? (built.parameters() == null ? Json.MAPPER.createObjectNode() : built.parameters()) : null,
          new UpdateRequest.PreviousValues(op.serviceId, op.previousPlanId, MaintenanceInfo.of(op.previousMaintenanceVersion)),
          MaintenanceInfo.of(op.maintenanceVersion));
      OperationResult inFlight = support.result(op, Outcome.IN_PROGRESS, Reasons.UPDATE_INSTANCE_REQUEST_IN_FLIGHT,
          "Update request for ServiceInstance in-flight to Broker \"" + op.brokerName + "\""
              + (planChange ? " (plan " + op.previousPlanId + " -> " + op.planId + ")" : "")
              + (parametersChange ? " (parameters)" : "")
              + (maintenanceChange ? " (maintenance_info " + op.previousMaintenanceVersion + " -> " + op.maintenanceVersion + ")" : ""));
      inFlight.asyncOpInProgress = false;
      return support.publish(inFlight)
          .flatMap(v -> send(op, "UpdateInstance", "PATCH", OsbPaths.instance(op.instanceId) + OsbPaths.query(acceptsIncomplete()), body,
              op.originatingIdentity, r -> OsbOutcomes.update(op.brokerName, r),
              e -> OsbOutcomes.transport(e, false, Reasons.UPDATE_INSTANCE_CALL_FAILED)))
          .flatMap(o -> {
            support.note(op, o);
            return switch (o.kind()) {
              case DONE -> {
                if (o.dashboardUrl() != null) {
                  op.dashboardUrl = o.dashboardUrl();
                }
                yield updated(op, "The instance was updated successfully");
              }
              case ACCEPTED -> {
                if (o.dashboardUrl() != null) {
                  op.dashboardUrl = o.dashboardUrl();
                }
                op.reason = Reasons.UPDATING_INSTANCE;
                op.message = "The instance is being updated asynchronously";
                support.startPolling(op, OperationState.POLLING, o.operation(), res.maximumPollingDuration());
                OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
                r.asyncOpInProgress = true;
                r.lastOperation = o.operation();
                r.dashboardURL = op.dashboardUrl;
                yield Uni.createFrom().item(Step.of(op, r));
              }
              default -> {
                Uni<Void> refetch = o.isError(ErrorResponse.MAINTENANCE_INFO_CONFLICT) ? refetchCatalog(op, res) : Uni.createFrom().voidItem();
                yield refetch.flatMap(x -> updateFailed(op, o.terminal(), o.reason(), o.message()));
              }
            };
          });
    });
  }

  private Uni<Step> updated(OperationRecord op, String message) {
    OperationResult r = support.result(op, Outcome.SUCCEEDED, Reasons.INSTANCE_UPDATED_SUCCESSFULLY, message);
    r.asyncOpInProgress = false;
    r.dashboardURL = op.dashboardUrl;
    r.planExternalID = op.planId;
    r.maintenanceInfoVersion = op.maintenanceVersion;
    r.instanceUsable = true;
    return support.publish(r).map(v -> {
      op.reason = Reasons.INSTANCE_UPDATED_SUCCESSFULLY;
      op.message = message;
      op.operationToken = null;
      support.finish(op, OperationState.SUCCEEDED);
      return Step.of(op);
    });
  }

  /** Never orphan mitigation; instance_usable and update_repeatable travel with the result. */
  private Uni<Step> updateFailed(OperationRecord op, boolean terminal, String reason, String message) {
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = terminal;
    r.asyncOpInProgress = false;
    r.instanceUsable = op.instanceUsable;
    r.updateRepeatable = op.updateRepeatable;
    return support.publish(r).map(v -> {
      op.reason = reason;
      op.message = message;
      op.terminal = terminal;
      op.operationToken = null;
      if (terminal) {
        support.finish(op, OperationState.FAILED);
      } else {
        support.retryLater(op);
      }
      return Step.of(op);
    });
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
              // The claim keeps this row away while a provision or update of the instance is on
              // the wire or orphan-mitigated; a poll in progress does not stop a delete (spec:
              // the broker may accept a delete during provisioning, else answers 422).
              return Uni.combine().all()
                  .unis(store.find(op.resourceUid, Operation.PROVISION, OperationRecord.ONCE),
                      store.lastSucceeded(op.resourceUid, Operation.PROVISION, Operation.UPDATE),
                      resolver.resolve(instance))
                  .asTuple()
                  .flatMap(t -> deprovision(op, t.getItem3(), t.getItem1(), t.getItem2()));
            });
  }

  private Uni<Step> deprovision(OperationRecord op, Resolution res, OperationRecord provisionRow, OperationRecord applied) {
    ServiceInstance instance = res.instance();
    op.generation = instance.getMetadata().getGeneration();
    op.instanceId = firstNonNull(instance.getSpec().externalID, provisionRow == null ? null : provisionRow.instanceId);
    op.serviceId = firstNonNull(res.serviceId(), provisionRow == null ? null : provisionRow.serviceId);
    op.planId = applied != null && applied.planId != null ? applied.planId
        : firstNonNull(provisionRow == null ? null : provisionRow.planId, res.provisionedPlanId());
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
            case DONE -> abandonCreation(op).flatMap(x -> deprovisioned(op));
            case ACCEPTED -> abandonCreation(op).map(x -> {
              op.reason = Reasons.DEPROVISIONING;
              op.message = "The instance is being deprovisioned asynchronously";
              support.startPolling(op, OperationState.POLLING, o.operation(), maxPolling);
              OperationResult r = support.result(op, Outcome.IN_PROGRESS, op.reason, op.message);
              r.asyncOpInProgress = true;
              r.lastOperation = o.operation();
              return Step.of(op, r);
            });
            default -> deprovisionFailed(op, o.reason(), o.message());
          };
        });
  }

  /** The broker accepted the delete: a provision or update still being polled is moot. */
  private Uni<Integer> abandonCreation(OperationRecord op) {
    return store.cancelPollingFor(op.serialKey, "the instance is being deprovisioned").invoke(n -> {
      if (n > 0) {
        LOG.infof("%s: stopped polling %d provision/update operation(s): the broker accepted the delete", op.subject(), n);
      }
    });
  }

  private Uni<Step> deprovisioned(OperationRecord op) {
    OperationResult r = support.result(op, Outcome.SUCCEEDED, Reasons.DEPROVISIONED_SUCCESSFULLY, "The instance was deprovisioned successfully");
    r.asyncOpInProgress = false;
    return support.publish(r).map(v -> {
      op.reason = Reasons.DEPROVISIONED_SUCCESSFULLY;
      op.message = "The instance was deprovisioned successfully";
      op.operationToken = null;
      support.finish(op, OperationState.SUCCEEDED);
      return Step.of(op);
    });
  }

  /**
   * Deprovision failures are never final here: the platform keeps remembering the instance
   * and sends the DELETE again (for 5xx, other 2xx and a failed poll that repeated DELETE is the
   * spec's orphan mitigation of an instance).
   */
  private Uni<Step> deprovisionFailed(OperationRecord op, String reason, String message) {
    OperationResult r = support.result(op, Outcome.FAILED, reason, message);
    r.terminal = false;
    r.asyncOpInProgress = false;
    r.instanceUsable = op.instanceUsable;
    return support.publish(r).map(v -> {
      op.reason = reason;
      op.message = message;
      support.retryLater(op);
      return Step.of(op);
    });
  }

  // --- polling ---------------------------------------------------------------------------

  private Uni<Step> poll(OperationRecord op) {
    Operation what = op.operation;
    if (support.pollingExpired(op)) {
      String message = "The broker \"" + op.brokerName + "\" did not finish the " + describe(what)
          + " within the maximum polling duration";
      return switch (what) {
        case PROVISION -> failCreate(op, true, true, StepSupport.POLLING_TIMEOUT, message);
        case UPDATE -> updateFailed(op, true, StepSupport.POLLING_TIMEOUT, message);
        default -> deprovisionFailed(op, StepSupport.POLLING_TIMEOUT, message);
      };
    }
    String failureReason = switch (what) {
      case PROVISION -> Reasons.PROVISION_CALL_FAILED;
      case UPDATE -> Reasons.UPDATE_INSTANCE_CALL_FAILED;
      default -> Reasons.DEPROVISION_CALL_FAILED;
    };
    String progress = switch (what) {
      case PROVISION -> Reasons.PROVISIONING;
      case UPDATE -> Reasons.UPDATING_INSTANCE;
      default -> Reasons.DEPROVISIONING;
    };
    return pollOnce(op, what == Operation.DEPROVISION, failureReason, op.originatingIdentity)
        .flatMap(o -> switch (o.kind()) {
          case DONE -> {
            op.httpStatus = o.httpStatus();
            yield switch (what) {
              case PROVISION -> provisioned(op);
              case UPDATE -> updated(op, "The instance was updated successfully");
              default -> deprovisioned(op);
            };
          }
          case FAILED -> {
            support.note(op, o);
            yield switch (what) {
              // Async provision failed: final, and the broker may hold a half-made instance.
              case PROVISION -> failCreate(op, true, true, o.reason(), o.message());
              // A failed update is repeated only when the broker says it may be.
              case UPDATE -> updateFailed(op, o.terminal() || !Boolean.TRUE.equals(o.updateRepeatable()), o.reason(),
                  o.message() + (Boolean.TRUE.equals(o.updateRepeatable()) ? "; the broker says it may be repeated" : ""));
              default -> deprovisionFailed(op, o.reason(), o.message());
            };
          }
          default -> Uni.createFrom().item(keepPolling(op, o, progress));
        });
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
