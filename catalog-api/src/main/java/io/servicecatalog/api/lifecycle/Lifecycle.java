package io.servicecatalog.api.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.api.rest.ApiException;
import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.v1beta1.ClusterObjectReference;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.PropertiesState;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceClassStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceStatus;
import io.servicecatalog.model.v1beta1.ServicePlanStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * What creating and deleting each kind means beyond storing it: initial status, plan
 * resolution, finalizers and the deletion order (bindings before their instance, a broker's
 * classes and plans with it). Every method runs inside the caller's transaction.
 */
@ApplicationScoped
public class Lifecycle {

  @Inject ResourceStore store;
  @Inject PlanResolver resolver;

  public Uni<CustomResource<?, ?>> create(ResourceKind kind, CustomResource<?, ?> obj) {
    String ns = obj.getMetadata().getNamespace();
    String name = obj.getMetadata().getName();
    return store.find(kind, ns, name).flatMap(existing -> {
      if (existing != null) {
        return Uni.createFrom().failure(ApiException.alreadyExists(kind.plural(), name));
      }
      return switch (kind) {
        case CLUSTER_SERVICE_BROKER -> createBroker((ClusterServiceBroker) obj);
        case CLUSTER_SERVICE_CLASS -> {
          ClusterServiceClass c = (ClusterServiceClass) obj;
          c.setStatus(new ServiceClassStatus());
          c.getStatus().removedFromBrokerCatalog = false;
          yield created(store.create(c, c.getSpec().clusterServiceBrokerName), c);
        }
        case CLUSTER_SERVICE_PLAN -> {
          ClusterServicePlan p = (ClusterServicePlan) obj;
          p.setStatus(new ServicePlanStatus());
          p.getStatus().removedFromBrokerCatalog = false;
          yield created(store.create(p, p.getSpec().clusterServiceBrokerName), p);
        }
        case SERVICE_INSTANCE -> createInstance((ServiceInstance) obj);
        case SERVICE_BINDING -> createBinding((ServiceBinding) obj);
        default -> Uni.createFrom().failure(notServedYet(kind));
      };
    });
  }

  private Uni<CustomResource<?, ?>> createBroker(ClusterServiceBroker b) {
    b.setStatus(new ServiceBrokerStatus());
    b.getStatus().setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE,
        Reasons.FETCHING_CATALOG, "Fetching the catalog from the broker");
    return created(store.create(b, null), b);
  }

  private Uni<CustomResource<?, ?>> createInstance(ServiceInstance si) {
    return resolver.resolve(si.getSpec()).flatMap(res -> {
      if (res.planMissingInSpec() && !res.resolved()) {
        // The original's webhook refused these; so do we, rather than storing an unusable object.
        return Uni.createFrom().failure(ApiException.invalid("ServiceInstance",
            si.getMetadata().getName(), List.of(cause("FieldValueRequired",
                "spec.clusterServicePlanExternalName", "Required value: " + res.message()))));
      }
      ServiceInstanceStatus st = new ServiceInstanceStatus();
      si.setStatus(st);
      st.provisionStatus = ServiceInstanceStatus.NOT_PROVISIONED;
      st.deprovisionStatus = ServiceInstanceStatus.DEPROVISION_NOT_REQUIRED;
      st.asyncOpInProgress = false;
      st.orphanMitigationInProgress = false;
      if (res.resolved()) {
        applyResolution(si, res);
      } else {
        st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE, res.reason(), res.message());
      }
      return created(store.create(si, null), si);
    });
  }

  /** Records the resolved class and plan; from here on a provision can be sent. */
  void applyResolution(ServiceInstance si, PlanResolver.Resolution res) {
    ServiceInstanceStatus st = si.getStatus();
    si.getSpec().clusterServiceClassRef = new ClusterObjectReference(res.serviceClass().getMetadata().getName());
    si.getSpec().clusterServicePlanRef = new ClusterObjectReference(res.plan().getMetadata().getName());
    if (res.planMissingInSpec()) {
      si.getSpec().clusterServicePlanExternalName = res.plan().getSpec().externalName;
    }
    st.userSpecifiedClassName = "ClusterServiceClass/" + res.serviceClass().getSpec().externalName;
    st.userSpecifiedPlanName = res.plan().getSpec().externalName;
    st.currentOperation = ServiceInstanceStatus.OP_PROVISION;
    st.operationStartTime = Times.now();
    // A provision may reach the broker from now on, so deleting must deprovision.
    st.deprovisionStatus = ServiceInstanceStatus.DEPROVISION_REQUIRED;
    PropertiesState props = new PropertiesState();
    props.clusterServicePlanExternalName = res.plan().getSpec().externalName;
    props.clusterServicePlanExternalID = res.plan().getSpec().externalID;
    props.parameters = si.getSpec().parameters;
    props.parameterChecksum = checksum(si.getSpec().parameters);
    props.userInfo = si.getSpec().userInfo;
    st.inProgressProperties = props;
    st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE,
        Reasons.PROVISION_REQUEST_IN_FLIGHT, "Provision request for the instance is being sent to the broker");
  }

  private Uni<CustomResource<?, ?>> createBinding(ServiceBinding b) {
    String ns = b.getMetadata().getNamespace();
    return store.find(ResourceKind.SERVICE_INSTANCE, ns, b.getSpec().instanceRef.name).flatMap(ie -> {
      ServiceBindingStatus st = new ServiceBindingStatus();
      b.setStatus(st);
      st.asyncOpInProgress = false;
      st.orphanMitigationInProgress = false;
      // Unbinding a binding the broker never made is harmless (410); forgetting one is not.
      st.unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
      if (ie == null) {
        st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE, "ReferencesNonexistentInstance",
            "References a non-existent ServiceInstance \"" + ns + "/" + b.getSpec().instanceRef.name + "\"");
      } else {
        ServiceInstance si = store.read(ie, ServiceInstance.class);
        if (si.getMetadata().getDeletionTimestamp() != null) {
          return Uni.createFrom().failure(ApiException.forbidden("servicebindings", b.getMetadata().getName(),
              "ServiceInstance \"" + si.getMetadata().getName() + "\" is being deleted"));
        }
        if (si.getStatus() != null && si.getStatus().isReady()) {
          st.currentOperation = ServiceBindingStatus.OP_BIND;
          st.operationStartTime = Times.now();
          st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE,
              Reasons.BINDING_REQUEST_IN_FLIGHT, "Bind request is being sent to the broker");
        } else {
          st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE, Reasons.ERROR_INSTANCE_NOT_READY,
              "Binding cannot begin because the referenced ServiceInstance \"" + ns + "/"
                  + si.getMetadata().getName() + "\" is not ready");
        }
      }
      PropertiesState props = new PropertiesState();
      props.parameters = b.getSpec().parameters;
      props.parameterChecksum = checksum(b.getSpec().parameters);
      props.userInfo = b.getSpec().userInfo;
      st.inProgressProperties = props;
      return created(store.create(b, b.getSpec().instanceRef.name), b);
    });
  }

  // ---------------------------------------------------------------- deletion

  public Uni<CustomResource<?, ?>> delete(ResourceKind kind, String ns, String name) {
    return store.findForUpdate(kind, ns, name).flatMap(e -> {
      if (e == null) {
        return Uni.createFrom().failure(ApiException.notFound(kind.plural(), name));
      }
      return switch (kind) {
        case CLUSTER_SERVICE_BROKER -> deleteBroker(e);
        case CLUSTER_SERVICE_CLASS, CLUSTER_SERVICE_PLAN -> {
          CustomResource<?, ?> obj = store.read(e, kind.type());
          yield store.delete(e, obj).replaceWith(obj);
        }
        case SERVICE_INSTANCE -> deleteInstance(e);
        case SERVICE_BINDING -> deleteBinding(e);
        default -> Uni.createFrom().failure(notServedYet(kind));
      };
    });
  }

  /** A broker takes its plans and classes with it (the original's finalizer did the same). */
  private Uni<CustomResource<?, ?>> deleteBroker(ResourceEntity e) {
    ClusterServiceBroker b = store.read(e, ClusterServiceBroker.class);
    markDeleting(b);
    return store.listOwnedBy(ResourceKind.CLUSTER_SERVICE_PLAN, null, e.name)
        .flatMap(plans -> sequentially(plans, p -> store.delete(p, store.read(p, ClusterServicePlan.class))))
        .flatMap(x -> store.listOwnedBy(ResourceKind.CLUSTER_SERVICE_CLASS, null, e.name))
        .flatMap(classes -> sequentially(classes, c -> store.delete(c, store.read(c, ClusterServiceClass.class))))
        .flatMap(x -> store.delete(e, b))
        .replaceWith(b);
  }

  private Uni<CustomResource<?, ?>> deleteInstance(ResourceEntity e) {
    ServiceInstance si = store.read(e, ServiceInstance.class);
    if (si.getMetadata().getDeletionTimestamp() != null) {
      return Uni.createFrom().item(si);
    }
    markDeleting(si);
    return refreshInstanceDeletion(e, si).map(x -> si);
  }

  /**
   * Decides what a deleting instance waits for: its bindings, then the broker's deprovision.
   * With nothing to deprovision it is removed at once.
   */
  Uni<Void> refreshInstanceDeletion(ResourceEntity e, ServiceInstance si) {
    ServiceInstanceStatus st = si.getStatus();
    if (!ServiceInstanceStatus.DEPROVISION_REQUIRED.equals(st.deprovisionStatus)
        && !ServiceInstanceStatus.DEPROVISION_FAILED.equals(st.deprovisionStatus)) {
      return finalize(e, si);
    }
    return store.listOwnedBy(ResourceKind.SERVICE_BINDING, e.namespace, e.name).flatMap(bindings -> {
      if (!bindings.isEmpty()) {
        List<String> names = bindings.stream().map(b -> b.name).toList();
        st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE,
            Reasons.DEPROVISION_BLOCKED_BY_CREDENTIALS,
            "Deprovision is waiting for " + names.size() + " ServiceBinding(s) to be deleted: "
                + String.join(", ", names));
      } else {
        st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE,
            Reasons.DEPROVISION_REQUEST_IN_FLIGHT, "Deprovision request is being sent to the broker");
      }
      return store.update(e, si).replaceWithVoid();
    });
  }

  private Uni<CustomResource<?, ?>> deleteBinding(ResourceEntity e) {
    ServiceBinding b = store.read(e, ServiceBinding.class);
    if (b.getMetadata().getDeletionTimestamp() != null) {
      return Uni.createFrom().item(b);
    }
    markDeleting(b);
    ServiceBindingStatus st = b.getStatus();
    if (!ServiceBindingStatus.UNBIND_REQUIRED.equals(st.unbindStatus) && st.binding == null) {
      return finalize(e, b).replaceWith(b);
    }
    st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE, Reasons.UNBINDING,
        "Deleting the credentials Secret, then unbinding at the broker");
    return store.update(e, b).replaceWith(b);
  }

  /** Removes our finalizer; the object goes when no other finalizer holds it. */
  public Uni<Void> finalize(ResourceEntity e, CustomResource<?, ?> obj) {
    List<String> f = obj.getMetadata().getFinalizers() == null ? new ArrayList<>()
        : new ArrayList<>(obj.getMetadata().getFinalizers());
    f.remove(ServiceCatalog.FINALIZER);
    obj.getMetadata().setFinalizers(f);
    if (!f.isEmpty()) {
      return store.update(e, obj).replaceWithVoid();
    }
    Uni<Void> gone = store.delete(e, obj);
    if (obj instanceof ServiceBinding b) {
      return gone.flatMap(x -> afterBindingGone(b.getMetadata().getNamespace(), b.getSpec().instanceRef.name));
    }
    return gone;
  }

  /** The last binding of a deleting instance unblocks its deprovision. */
  private Uni<Void> afterBindingGone(String ns, String instanceName) {
    return store.findForUpdate(ResourceKind.SERVICE_INSTANCE, ns, instanceName).flatMap(ie -> {
      if (ie == null) {
        return Uni.createFrom().voidItem();
      }
      ServiceInstance si = store.read(ie, ServiceInstance.class);
      if (si.getMetadata().getDeletionTimestamp() == null) {
        return Uni.createFrom().voidItem();
      }
      return refreshInstanceDeletion(ie, si);
    });
  }

  private static ApiException notServedYet(ResourceKind kind) {
    return ApiException.of(405, "MethodNotAllowed", kind.plural() + " are not served by this version yet",
        kind.kind(), null, List.of());
  }

  private static void markDeleting(CustomResource<?, ?> obj) {
    obj.getMetadata().setDeletionTimestamp(Times.now());
    obj.getMetadata().setDeletionGracePeriodSeconds(0L);
  }

  private static Uni<CustomResource<?, ?>> created(Uni<ResourceEntity> stored, CustomResource<?, ?> obj) {
    return stored.replaceWith(obj);
  }

  static <T> Uni<Void> sequentially(List<T> items, Function<T, Uni<Void>> action) {
    return Multi.createFrom().iterable(items)
        .onItem().transformToUniAndConcatenate(item -> action.apply(item))
        .collect().last()
        .replaceWithVoid();
  }

  static io.fabric8.kubernetes.api.model.StatusCause cause(String reason, String field, String message) {
    io.fabric8.kubernetes.api.model.StatusCause c = new io.fabric8.kubernetes.api.model.StatusCause();
    c.setReason(reason);
    c.setField(field);
    c.setMessage(message);
    return c;
  }

  /** sha256 of the parameters' JSON, so a change is visible without showing values. */
  static String checksum(JsonNode parameters) {
    if (parameters == null || parameters.isNull()) {
      return null;
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(Json.MAPPER.writeValueAsString(parameters).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
