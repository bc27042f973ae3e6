package io.servicecatalog.api.lifecycle;

import static io.servicecatalog.model.ServiceCatalog.CONDITION_FAILED;
import static io.servicecatalog.model.ServiceCatalog.CONDITION_ORPHAN_MITIGATION;
import static io.servicecatalog.model.ServiceCatalog.CONDITION_READY;
import static io.servicecatalog.model.ServiceCatalog.FALSE;
import static io.servicecatalog.model.ServiceCatalog.TRUE;

import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.OperationResult;
import io.servicecatalog.model.events.OperationResult.Outcome;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.LocalObjectReference;
import io.servicecatalog.model.v1beta1.PropertiesState;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Applies what broker-gateway and credential-injector report to the status of the resource it is
 * about. Results are at-least-once and may be stale, so each is checked against the stored object
 * (same uid, still relevant) and applying one twice leaves the same state.
 */
@ApplicationScoped
public class ResultApplier {
  private static final Logger LOG = Logger.getLogger(ResultApplier.class);

  @Inject ResourceStore store;
  @Inject Lifecycle lifecycle;
  @Inject CatalogImporter importer;
  @Inject PlanResolver resolver;

  public Uni<Void> apply(OperationResult r) {
    UUID uid;
    try {
      uid = UUID.fromString(r.uid);
    } catch (RuntimeException e) {
      LOG.warnf("dropping result %s without a valid uid", r.resultId);
      return Uni.createFrom().voidItem();
    }
    return store.findByUidForUpdate(uid).flatMap(e -> {
      if (e == null) {
        LOG.debugf("result %s %s for %s/%s: object is gone, nothing to apply", r.operation, r.outcome,
            r.namespace, r.name);
        return Uni.createFrom().voidItem();
      }
      if (isRepeatedSecretDeletion(e, r)) {
        LOG.debugf("result %s for %s/%s repeats a Secret deletion already applied", r.resultId, r.namespace, r.name);
        return Uni.createFrom().voidItem();
      }
      Uni<Void> applied = switch (ResourceKind.fromKind(e.kind).orElseThrow()) {
        case CLUSTER_SERVICE_BROKER, SERVICE_BROKER -> broker(e, r);
        case SERVICE_INSTANCE -> instance(e, r);
        case SERVICE_BINDING -> binding(e, r);
        default -> Uni.createFrom().voidItem();
      };
      // The outcome first: what the broker did comes before the state change it causes.
      return outcomeAudit(e, r).flatMap(x -> applied);
    });
  }

  /**
   * credential-injector confirms a deleted Secret each time it sees the deleting binding, so a
   * binding gets several confirmations. Only the first is a state change (and an audit event):
   * once the unbind stage has begun, the Secret is known to be gone.
   */
  private boolean isRepeatedSecretDeletion(ResourceEntity e, OperationResult r) {
    if (r.operation != OperationResult.Operation.DELETE_SECRET || r.outcome != Outcome.SUCCEEDED
        || ResourceKind.fromKind(e.kind).orElse(null) != ResourceKind.SERVICE_BINDING) {
      return false;
    }
    ServiceBinding b = store.read(e, ServiceBinding.class);
    ServiceBindingStatus st = b.getStatus();
    return b.getMetadata().getDeletionTimestamp() != null && st != null && st.binding == null
        && ServiceBindingStatus.OP_UNBIND.equals(st.currentOperation);
  }

  /** The outcome as an audit event (io.servicecatalog.instance.provisioned and the like). */
  private Uni<Void> outcomeAudit(ResourceEntity e, OperationResult r) {
    boolean ok = r.outcome == Outcome.SUCCEEDED;
    boolean failed = r.outcome == Outcome.FAILED && Boolean.TRUE.equals(r.terminal);
    if (!ok && !failed && !(r.outcome == Outcome.FAILED && r.operation == OperationResult.Operation.FETCH_CATALOG)) {
      return Uni.createFrom().voidItem();
    }
    String what = switch (r.operation) {
      case FETCH_CATALOG -> ok ? "catalog-fetched" : "catalog-fetch-failed";
      case PROVISION -> ok ? "provisioned" : "provision-failed";
      case UPDATE -> ok ? "update-succeeded" : "update-failed";
      case DEPROVISION -> ok ? "deprovisioned" : "deprovision-failed";
      case BIND -> ok ? "bound" : "bind-failed";
      case UNBIND -> ok ? "unbound" : "unbind-failed";
      case INJECT_SECRET -> ok ? "secret-written" : "secret-write-failed";
      case DELETE_SECRET -> ok ? "secret-deleted" : "secret-delete-failed";
      default -> (ok ? "" : "failed-") + r.operation.name().toLowerCase().replace('_', '-');
    };
    var extra = io.servicecatalog.model.Json.MAPPER.createObjectNode();
    extra.put("operation", r.operation.name()).put("outcome", r.outcome.name()).put("source", r.source)
        .put("result", ok ? "Success" : "Failure");
    if (r.reason != null) {
      extra.put("reason", r.reason);
    }
    if (r.requestIdentity != null) {
      extra.put("requestIdentity", r.requestIdentity);
    }
    if (r.httpStatus != null) {
      extra.put("httpStatus", r.httpStatus);
    }
    if (r.secretName != null) {
      extra.put("secretName", r.secretName);
    }
    return store.audit(e, "io.servicecatalog." + ResourceStore.resourceName(e.kind) + "." + what, extra);
  }

  // ------------------------------------------------------------------ broker

  private Uni<Void> broker(ResourceEntity e, OperationResult r) {
    if (r.operation != OperationResult.Operation.FETCH_CATALOG) {
      return Uni.createFrom().voidItem();
    }
    var b = Lifecycle.asBroker(store.read(e, ResourceKind.fromKind(e.kind).orElseThrow().type()));
    if (b.getMetadata().getDeletionTimestamp() != null
        || (r.generation != null && r.generation != e.generation)) {
      return Uni.createFrom().voidItem(); // a newer spec will be fetched for
    }
    var st = b.getStatus();
    if (r.outcome == Outcome.SUCCEEDED) {
      return importer.importCatalog(b, r.catalog)
          .flatMap(summary -> {
            st.setCondition(CONDITION_READY, TRUE, Reasons.FETCHED_CATALOG,
                "Successfully fetched catalog entries from broker (" + summary.classes() + " classes, "
                    + summary.plans() + " plans)");
            st.removeCondition(CONDITION_FAILED);
            st.reconciledGeneration = e.generation;
            st.observedGeneration = e.generation;
            st.lastCatalogRetrievalTime = Times.now();
            st.operationStartTime = null;
            return store.update(e, b);
          })
          .flatMap(x -> resolvePendingInstances())
          .onFailure(CatalogImporter.InvalidCatalogException.class).recoverWithUni(ex ->
              catalogFailed(e, b, Reasons.ERROR_FETCHING_CATALOG, "Error reconciling the catalog: " + ex.getMessage()));
    }
    if (r.outcome == Outcome.FAILED) {
      return catalogFailed(e, b, reasonOr(r, Reasons.ERROR_FETCHING_CATALOG), r.message);
    }
    return Uni.createFrom().voidItem();
  }

  private Uni<Void> catalogFailed(ResourceEntity e, io.fabric8.kubernetes.client.CustomResource<?, io.servicecatalog.model.v1beta1.ServiceBrokerStatus> b,
      String reason, String message) {
    var st = b.getStatus();
    boolean changed = st.setCondition(CONDITION_READY, FALSE, reason, message);
    if (st.operationStartTime == null) {
      st.operationStartTime = Times.now();
      changed = true;
    }
    if (!Long.valueOf(e.generation).equals(st.reconciledGeneration)) {
      st.reconciledGeneration = e.generation;
      st.observedGeneration = e.generation;
      changed = true;
    }
    return changed ? store.update(e, b).replaceWithVoid() : Uni.createFrom().voidItem();
  }

  /** Instances looked at per page when a catalog arrives. */
  private static final int PENDING_PAGE = 500;

  /**
   * Instances created before their class existed get resolved once a catalog brings it. The
   * instances are read a page of plain rows at a time and only the unresolved ones are loaded as
   * entities: a catalog holds far more instances than fit in memory (100k are measured).
   */
  private Uni<Void> resolvePendingInstances() {
    return resolvePendingInstancesAfter("", "");
  }

  private Uni<Void> resolvePendingInstancesAfter(String afterNamespace, String afterName) {
    return store.listAfter(ResourceKind.SERVICE_INSTANCE, null, afterNamespace, afterName, null, PENDING_PAGE)
        .flatMap(rows -> {
          List<ResourceStore.Listed> pending = rows.stream().filter(ResultApplier::mayAwaitResolution).toList();
          Uni<Void> page = Lifecycle.sequentially(pending, row ->
              store.find(ResourceKind.SERVICE_INSTANCE, row.namespace(), row.name())
                  .flatMap(ie -> ie == null ? Uni.createFrom().voidItem() : resolvePending(ie)));
          if (rows.size() < PENDING_PAGE) {
            return page;
          }
          ResourceStore.Listed last = rows.get(rows.size() - 1);
          return page.flatMap(x -> resolvePendingInstancesAfter(last.namespace(), last.name()));
        });
  }

  /** Cheap pre-check on the stored JSON; {@link #resolvePending} decides on the entity. */
  private static boolean mayAwaitResolution(ResourceStore.Listed row) {
    try {
      var body = io.servicecatalog.model.Json.MAPPER.readTree(row.body());
      var spec = body.path("spec");
      return absent(spec.path("clusterServicePlanRef")) && absent(spec.path("servicePlanRef"))
          && absent(body.path("metadata").path("deletionTimestamp"));
    } catch (java.io.IOException e) {
      return true; // let the entity read decide
    }
  }

  private static boolean absent(com.fasterxml.jackson.databind.JsonNode n) {
    return n.isMissingNode() || n.isNull();
  }

  private Uni<Void> resolvePending(ResourceEntity ie) {
    ServiceInstance si = store.read(ie, ServiceInstance.class);
    if (si.getSpec().clusterServicePlanRef != null || si.getSpec().servicePlanRef != null
        || si.getMetadata().getDeletionTimestamp() != null
        || si.getStatus() == null || si.getStatus().isFailed()) {
      return Uni.createFrom().voidItem();
    }
    return resolver.resolve(si.getSpec(), ie.namespace).flatMap(res -> {
      if (!res.resolved()) {
        boolean changed = si.getStatus().setCondition(CONDITION_READY, FALSE, res.reason(), res.message());
        return changed ? store.update(ie, si).replaceWithVoid() : Uni.createFrom().voidItem();
      }
      lifecycle.applyResolution(si, res);
      return store.update(ie, si).replaceWithVoid();
    });
  }

  // ---------------------------------------------------------------- instance

  private Uni<Void> instance(ResourceEntity e, OperationResult r) {
    ServiceInstance si = store.read(e, ServiceInstance.class);
    ServiceInstanceStatus st = si.getStatus();
    switch (r.operation) {
      case PROVISION -> {
        if (ServiceInstanceStatus.PROVISIONED.equals(st.provisionStatus)) {
          return Uni.createFrom().voidItem(); // a late duplicate
        }
        if (r.outcome == Outcome.IN_PROGRESS) {
          st.currentOperation = ServiceInstanceStatus.OP_PROVISION;
          st.asyncOpInProgress = Boolean.TRUE.equals(r.asyncOpInProgress);
          st.lastOperation = r.lastOperation;
          if (r.dashboardURL != null) {
            st.dashboardURL = r.dashboardURL;
          }
          st.setCondition(CONDITION_READY, FALSE, reasonOr(r, Reasons.PROVISIONING),
              r.message == null ? "The instance is being provisioned asynchronously" : r.message);
        } else if (r.outcome == Outcome.SUCCEEDED) {
          st.provisionStatus = ServiceInstanceStatus.PROVISIONED;
          st.deprovisionStatus = ServiceInstanceStatus.DEPROVISION_REQUIRED;
          endOperation(st, r.generation);
          st.externalProperties = st.inProgressProperties;
          st.inProgressProperties = null;
          if (r.dashboardURL != null) {
            st.dashboardURL = r.dashboardURL;
          }
          st.removeCondition(CONDITION_FAILED);
          st.removeCondition(CONDITION_ORPHAN_MITIGATION);
          st.orphanMitigationInProgress = false;
          if (si.getMetadata().getDeletionTimestamp() == null) {
            st.setCondition(CONDITION_READY, TRUE, Reasons.PROVISIONED_SUCCESSFULLY,
                "The instance was provisioned successfully");
            return store.update(e, si).flatMap(x -> wakeBindings(e));
          }
        } else {
          failure(st, r, Reasons.PROVISION_CALL_FAILED, r.generation);
          if (Boolean.TRUE.equals(r.terminal)) {
            st.inProgressProperties = null;
          }
        }
        if (si.getMetadata().getDeletionTimestamp() != null) {
          // Being deleted: what the instance waits for (bindings, then deprovision) stays the
          // Ready condition, whatever the provision reported.
          return lifecycle.refreshInstanceDeletion(e, si);
        }
        return store.update(e, si).replaceWithVoid();
      }
      case UPDATE -> {
        return update(e, si, r);
      }
      case FETCH_INSTANCE -> {
        // Drift between the catalog and the broker: its own condition, never Ready.
        if (r.outcome == Outcome.SUCCEEDED) {
          boolean inSync = r.drift == null || r.drift.isEmpty();
          boolean changed = st.setCondition("InSyncWithBroker", inSync ? TRUE : FALSE,
              inSync ? Reasons.IN_SYNC_WITH_BROKER : Reasons.DRIFT_DETECTED,
              inSync ? "The broker reports what the catalog expects"
                  : "The broker differs from the catalog in: " + String.join(", ", r.drift));
          return changed ? store.update(e, si).replaceWithVoid() : Uni.createFrom().voidItem();
        }
        return Uni.createFrom().voidItem();
      }
      case DEPROVISION -> {
        if (r.outcome == Outcome.SUCCEEDED) {
          st.deprovisionStatus = ServiceInstanceStatus.DEPROVISION_SUCCEEDED;
          st.provisionStatus = ServiceInstanceStatus.NOT_PROVISIONED;
          endOperation(st, r.generation);
          if (si.getMetadata().getDeletionTimestamp() != null) {
            return lifecycle.finalize(e, si);
          }
          st.setCondition(CONDITION_READY, FALSE, Reasons.DEPROVISIONED_SUCCESSFULLY,
              "The instance was deprovisioned successfully");
        } else if (r.outcome == Outcome.IN_PROGRESS) {
          st.currentOperation = ServiceInstanceStatus.OP_DEPROVISION;
          st.asyncOpInProgress = Boolean.TRUE.equals(r.asyncOpInProgress);
          st.lastOperation = r.lastOperation;
          st.setCondition(CONDITION_READY, FALSE, reasonOr(r, Reasons.DEPROVISIONING),
              r.message == null ? "The instance is being deprovisioned asynchronously" : r.message);
        } else {
          failure(st, r, Reasons.DEPROVISION_CALL_FAILED, r.generation);
          if (Boolean.TRUE.equals(r.terminal)) {
            st.deprovisionStatus = ServiceInstanceStatus.DEPROVISION_FAILED;
          }
        }
        return store.update(e, si).replaceWithVoid();
      }
      default -> {
        return Uni.createFrom().voidItem();
      }
    }
  }

  /**
   * An update of one generation finished or progressed. A newer generation that arrived in the
   * meantime is next: the instance stays in Update until the gateway has sent the newest spec.
   */
  private Uni<Void> update(ResourceEntity e, ServiceInstance si, OperationResult r) {
    ServiceInstanceStatus st = si.getStatus();
    if (si.getMetadata().getDeletionTimestamp() != null || (r.generation != null && st.observedGeneration != null
        && r.generation <= st.observedGeneration)) {
      return Uni.createFrom().voidItem(); // deleting, or an older generation than already applied
    }
    if (r.outcome == Outcome.IN_PROGRESS) {
      st.currentOperation = ServiceInstanceStatus.OP_UPDATE;
      st.asyncOpInProgress = Boolean.TRUE.equals(r.asyncOpInProgress);
      st.lastOperation = r.lastOperation;
      st.setCondition(CONDITION_READY, FALSE, reasonOr(r, "UpdatingInstance"),
          r.message == null ? "The instance is being updated" : r.message);
      return store.update(e, si).replaceWithVoid();
    }
    boolean newest = r.generation == null || r.generation >= e.generation;
    if (r.outcome == Outcome.SUCCEEDED) {
      if (newest) {
        st.externalProperties = st.inProgressProperties == null ? st.externalProperties : st.inProgressProperties;
      }
      if (r.dashboardURL != null) {
        st.dashboardURL = r.dashboardURL;
      }
      st.removeCondition(CONDITION_FAILED);
    } else if (r.outcome == Outcome.FAILED && !Boolean.TRUE.equals(r.terminal)) {
      st.setCondition(CONDITION_READY, FALSE, reasonOr(r, "UpdateInstanceCallFailed"),
          r.message == null ? "The update call failed and will be retried" : r.message);
      return store.update(e, si).replaceWithVoid();
    }
    endOperation(st, r.generation);
    if (r.outcome == Outcome.SUCCEEDED && r.planExternalID != null && st.externalProperties != null) {
      if (si.getSpec().servicePlanRef != null) {
        st.externalProperties.servicePlanExternalID = r.planExternalID;
      } else {
        st.externalProperties.clusterServicePlanExternalID = r.planExternalID;
      }
    }
    if (r.outcome == Outcome.FAILED) {
      // The broker refused this generation; the instance it has is still the previous one.
      st.setCondition(CONDITION_FAILED, TRUE, reasonOr(r, "UpdateInstanceCallFailed"), r.message);
      st.inProgressProperties = null;
      if (Boolean.FALSE.equals(r.instanceUsable)) {
        // OSB instance_usable=false: nothing may bind to it until it is fixed.
        st.setCondition(CONDITION_READY, FALSE, reasonOr(r, "UpdateInstanceCallFailed"),
            "The update failed and the broker says the instance is not usable: " + r.message);
        return store.update(e, si).replaceWithVoid();
      }
    }
    if (newest) {
      st.setCondition(CONDITION_READY, TRUE, r.outcome == Outcome.SUCCEEDED ? "InstanceUpdatedSuccessfully"
          : "InstanceUpdateFailed", r.outcome == Outcome.SUCCEEDED ? "The instance was updated successfully"
          : "The update failed; the instance keeps its previous plan and parameters");
    } else {
      var props = new io.servicecatalog.model.v1beta1.PropertiesState();
      props.parameters = si.getSpec().parameters;
      props.parameterChecksum = Lifecycle.checksum(si.getSpec().parameters);
      props.userInfo = si.getSpec().userInfo;
      st.inProgressProperties = props;
      st.currentOperation = ServiceInstanceStatus.OP_UPDATE;
      st.operationStartTime = Times.now();
      st.setCondition(CONDITION_READY, FALSE, Lifecycle.UPDATE_REQUEST_IN_FLIGHT,
          "Update request for generation " + e.generation + " is being sent to the broker");
    }
    return store.update(e, si).replaceWithVoid();
  }

  /** Bindings that waited for their instance to become Ready get their event again. */
  private Uni<Void> wakeBindings(ResourceEntity instance) {
    return store.listOwnedBy(ResourceKind.SERVICE_BINDING, instance.namespace, instance.name)
        .flatMap(rows -> Lifecycle.sequentially(rows, be -> {
          ServiceBinding b = store.read(be, ServiceBinding.class);
          if (b.getMetadata().getDeletionTimestamp() != null || b.getStatus().isReady()
              || b.getStatus().isFailed()) {
            return Uni.createFrom().voidItem();
          }
          b.getStatus().unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
          b.getStatus().currentOperation = ServiceBindingStatus.OP_BIND;
          b.getStatus().operationStartTime = Times.now();
          b.getStatus().setCondition(CONDITION_READY, FALSE, Reasons.BINDING_REQUEST_IN_FLIGHT,
              "Bind request is being sent to the broker");
          return store.update(be, b).replaceWithVoid();
        }));
  }

  // ----------------------------------------------------------------- binding

  private Uni<Void> binding(ResourceEntity e, OperationResult r) {
    ServiceBinding b = store.read(e, ServiceBinding.class);
    ServiceBindingStatus st = b.getStatus();
    boolean deleting = b.getMetadata().getDeletionTimestamp() != null;
    switch (r.operation) {
      case BIND -> {
        if (deleting || st.isReady()) {
          return Uni.createFrom().voidItem();
        }
        if (r.outcome == Outcome.IN_PROGRESS) {
          st.unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
          st.currentOperation = ServiceBindingStatus.OP_BIND;
          st.asyncOpInProgress = Boolean.TRUE.equals(r.asyncOpInProgress);
          st.lastOperation = r.lastOperation;
          st.setCondition(CONDITION_READY, FALSE, reasonOr(r, Reasons.BINDING),
              r.message == null ? "The binding is being created asynchronously" : r.message);
        } else if (r.outcome == Outcome.SUCCEEDED) {
          bound(st, r.generation);
          st.nextRotationTime = r.nextRotationTime;
          if (st.binding != null) {
            ready(b);
          } else {
            st.setCondition(CONDITION_READY, FALSE, Reasons.INJECTING_BIND_RESULT,
                "The broker returned credentials; writing them to Secret \"" + b.getSpec().secretName + "\"");
          }
        } else {
          failure(st, r, Reasons.BIND_CALL_FAILED, r.generation);
        }
        return store.update(e, b).replaceWithVoid();
      }
      case FETCH_INSTANCE -> {
        // Binding drift (bindings_retrievable): its own condition; re-binding is the operator's call.
        if (deleting || r.outcome != Outcome.SUCCEEDED) {
          return Uni.createFrom().voidItem();
        }
        boolean inSync = r.drift == null || r.drift.isEmpty();
        boolean changed = st.setCondition("InSyncWithBroker", inSync ? TRUE : FALSE,
            inSync ? Reasons.IN_SYNC_WITH_BROKER : Reasons.DRIFT_DETECTED,
            inSync ? "The broker reports what the catalog expects"
                : "The broker differs from the catalog in: " + String.join(", ", r.drift));
        return changed ? store.update(e, b).replaceWithVoid() : Uni.createFrom().voidItem();
      }
      case ROTATE_BINDING -> {
        // The old credentials keep working until the new ones are in the Secret: a failed rotation
        // never makes the binding un-Ready, it is reported on its own condition.
        if (deleting) {
          return Uni.createFrom().voidItem();
        }
        if (r.outcome == Outcome.SUCCEEDED) {
          st.lastRotationTime = r.lastRotationTime == null ? r.time : r.lastRotationTime;
          st.nextRotationTime = r.nextRotationTime;
          st.setCondition("Rotated", TRUE, reasonOr(r, Reasons.BINDING_ROTATED),
              r.message == null ? "New credentials were issued" : r.message);
        } else if (r.outcome == Outcome.FAILED) {
          st.setCondition("Rotated", FALSE, reasonOr(r, Reasons.BINDING_ROTATION_FAILED), r.message);
        } else {
          st.setCondition("Rotated", FALSE, reasonOr(r, Reasons.ROTATING_BINDING), r.message);
        }
        return store.update(e, b).replaceWithVoid();
      }
      case INJECT_SECRET -> {
        if (deleting) {
          return Uni.createFrom().voidItem();
        }
        if (r.outcome == Outcome.SUCCEEDED) {
          bound(st, r.generation);
          st.binding = new LocalObjectReference(r.secretName == null ? b.getSpec().secretName : r.secretName);
          if (Reasons.CREDENTIALS_ROTATED.equals(r.reason)) {
            st.lastRotationTime = r.lastRotationTime == null ? r.time : r.lastRotationTime;
          } else if (Reasons.SECRET_REPAIRED.equals(r.reason)) {
            st.lastSecretRepairTime = r.time;
          }
          ready(b);
        } else if (r.outcome == Outcome.FAILED) {
          st.setCondition(CONDITION_READY, FALSE, Reasons.ERROR_INJECTING_BIND_RESULT, r.message);
        }
        return store.update(e, b).replaceWithVoid();
      }
      case DELETE_SECRET -> {
        if (!deleting) {
          return Uni.createFrom().voidItem();
        }
        if (r.outcome == Outcome.FAILED) {
          // The injector retries; the user sees why the binding is still there.
          boolean changed = st.setCondition(CONDITION_READY, FALSE,
              r.reason == null ? "ErrorDeletingCredentialsSecret" : r.reason, r.message);
          return changed ? store.update(e, b).replaceWithVoid() : Uni.createFrom().voidItem();
        }
        if (r.outcome != Outcome.SUCCEEDED) {
          return Uni.createFrom().voidItem();
        }
        st.binding = null;
        if (!ServiceBindingStatus.UNBIND_REQUIRED.equals(st.unbindStatus)) {
          return lifecycle.finalize(e, b);
        }
        st.currentOperation = ServiceBindingStatus.OP_UNBIND;
        st.setCondition(CONDITION_READY, FALSE, Reasons.UNBINDING_REQUEST_IN_FLIGHT,
            "Secret \"" + b.getSpec().secretName + "\" deleted; unbind request is being sent to the broker");
        return store.update(e, b).replaceWithVoid();
      }
      case UNBIND -> {
        if (r.outcome == Outcome.SUCCEEDED) {
          st.unbindStatus = ServiceBindingStatus.UNBIND_SUCCEEDED;
          endOperation(st, r.generation);
          if (deleting) {
            return lifecycle.finalize(e, b);
          }
        } else if (r.outcome == Outcome.IN_PROGRESS) {
          st.currentOperation = ServiceBindingStatus.OP_UNBIND;
          st.asyncOpInProgress = Boolean.TRUE.equals(r.asyncOpInProgress);
          st.lastOperation = r.lastOperation;
          st.setCondition(CONDITION_READY, FALSE, reasonOr(r, Reasons.UNBINDING),
              r.message == null ? "The binding is being deleted asynchronously" : r.message);
        } else {
          failure(st, r, Reasons.UNBIND_CALL_FAILED, r.generation);
          if (Boolean.TRUE.equals(r.terminal)) {
            st.unbindStatus = ServiceBindingStatus.UNBIND_FAILED;
          }
        }
        return store.update(e, b).replaceWithVoid();
      }
      default -> {
        return Uni.createFrom().voidItem();
      }
    }
  }

  private static void bound(ServiceBindingStatus st, Long generation) {
    st.unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
    if (st.externalProperties == null) {
      st.externalProperties = st.inProgressProperties == null ? new PropertiesState() : st.inProgressProperties;
    }
    st.inProgressProperties = null;
    endOperation(st, generation);
    st.removeCondition(CONDITION_FAILED);
  }

  private static void ready(ServiceBinding b) {
    b.getStatus().setCondition(CONDITION_READY, TRUE, Reasons.INJECTED_BIND_RESULT,
        "Injected bind result into Secret \"" + b.getStatus().binding.name + "\"");
  }

  // ------------------------------------------------------------------ shared

  private static String reasonOr(OperationResult r, String fallback) {
    return r.reason == null || r.reason.isBlank() ? fallback : r.reason;
  }

  private static void endOperation(ServiceInstanceStatus st, Long generation) {
    st.currentOperation = null;
    st.asyncOpInProgress = false;
    st.lastOperation = null;
    st.operationStartTime = null;
    if (generation != null) {
      st.observedGeneration = generation;
      st.reconciledGeneration = generation;
    }
  }

  private static void endOperation(ServiceBindingStatus st, Long generation) {
    st.currentOperation = null;
    st.asyncOpInProgress = false;
    st.lastOperation = null;
    st.operationStartTime = null;
    if (generation != null) {
      st.observedGeneration = generation;
      st.reconciledGeneration = generation;
    }
  }

  /** Ready=False with the reported reason; Failed=True only when retrying cannot help. */
  private static void failure(io.servicecatalog.model.v1beta1.ConditionedStatus st, OperationResult r,
      String defaultReason, Long generation) {
    String reason = r.reason == null ? defaultReason : r.reason;
    String message = r.message == null ? "The broker call failed" : r.message;
    st.setCondition(CONDITION_READY, FALSE, reason, message);
    if (Boolean.TRUE.equals(r.terminal)) {
      st.setCondition(CONDITION_FAILED, TRUE, reason, message);
      if (st instanceof ServiceInstanceStatus si) {
        endOperation(si, generation);
      } else if (st instanceof ServiceBindingStatus sb) {
        endOperation(sb, generation);
      }
    }
    if (st instanceof ServiceInstanceStatus si && r.orphanMitigationInProgress != null) {
      si.orphanMitigationInProgress = r.orphanMitigationInProgress;
      if (r.orphanMitigationInProgress) {
        si.setCondition(CONDITION_ORPHAN_MITIGATION, TRUE, Reasons.ORPHAN_MITIGATION,
            "Deleting whatever the failed provision may have left at the broker");
      } else {
        si.removeCondition(CONDITION_ORPHAN_MITIGATION);
      }
    }
  }
}
