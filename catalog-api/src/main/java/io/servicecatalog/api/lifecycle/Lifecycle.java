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
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
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
import io.servicecatalog.api.admission.Admission;
import io.servicecatalog.model.v1beta1.LocalObjectReference;
import io.servicecatalog.model.v1beta1.ServiceInstanceSpec;
import io.servicecatalog.model.v1beta1.UserInfo;

/**
 * What creating and deleting each kind means beyond storing it: initial status, plan
 * resolution, finalizers and the deletion order (bindings before their instance, a broker's
 * classes and plans with it). Every method runs inside the caller's transaction.
 */
@ApplicationScoped
public class Lifecycle {
  static final String UPDATE_REQUEST_IN_FLIGHT = "UpdateInstanceRequestInFlight";

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
        case CLUSTER_SERVICE_BROKER, SERVICE_BROKER -> createBroker(asBroker(obj));
        case CLUSTER_SERVICE_CLASS, SERVICE_CLASS -> {
          CustomResource<ServiceClassSpec, ServiceClassStatus> c = asClass(obj);
          c.setStatus(new ServiceClassStatus());
          c.getStatus().removedFromBrokerCatalog = false;
          yield created(store.create(c, kind == ResourceKind.SERVICE_CLASS
              ? c.getSpec().serviceBrokerName : c.getSpec().clusterServiceBrokerName), c);
        }
        case CLUSTER_SERVICE_PLAN, SERVICE_PLAN -> {
          CustomResource<ServicePlanSpec, ServicePlanStatus> p = asPlan(obj);
          p.setStatus(new ServicePlanStatus());
          p.getStatus().removedFromBrokerCatalog = false;
          yield created(store.create(p, kind == ResourceKind.SERVICE_PLAN
              ? p.getSpec().serviceBrokerName : p.getSpec().clusterServiceBrokerName), p);
        }
        case SERVICE_INSTANCE -> createInstance((ServiceInstance) obj);
        case SERVICE_BINDING -> createBinding((ServiceBinding) obj);
      };
    });
  }

  @SuppressWarnings("unchecked")
  static CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> asBroker(CustomResource<?, ?> o) {
    return (CustomResource<ServiceBrokerSpec, ServiceBrokerStatus>) o;
  }

  @SuppressWarnings("unchecked")
  static CustomResource<ServiceClassSpec, ServiceClassStatus> asClass(CustomResource<?, ?> o) {
    return (CustomResource<ServiceClassSpec, ServiceClassStatus>) o;
  }

  @SuppressWarnings("unchecked")
  static CustomResource<ServicePlanSpec, ServicePlanStatus> asPlan(CustomResource<?, ?> o) {
    return (CustomResource<ServicePlanSpec, ServicePlanStatus>) o;
  }

  private Uni<CustomResource<?, ?>> createBroker(CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> b) {
    b.setStatus(new ServiceBrokerStatus());
    b.getStatus().setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE,
        Reasons.FETCHING_CATALOG, "Fetching the catalog from the broker");
    return created(store.create(b, null), b);
  }

  private Uni<CustomResource<?, ?>> createInstance(ServiceInstance si) {
    return resolver.resolve(si.getSpec(), si.getMetadata().getNamespace()).flatMap(res -> {
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
    ServiceInstanceSpec spec = si.getSpec();
    String planExternalName = res.plan().spec().externalName;
    PropertiesState props = new PropertiesState();
    if (res.namespaced()) {
      spec.serviceClassRef = new LocalObjectReference(res.className());
      spec.servicePlanRef = new LocalObjectReference(res.planName());
      if (res.planMissingInSpec()) {
        spec.servicePlanExternalName = planExternalName;
      }
      st.userSpecifiedClassName = "ServiceClass/" + res.serviceClass().spec().externalName;
      props.servicePlanExternalName = planExternalName;
      props.servicePlanExternalID = res.plan().spec().externalID;
    } else {
      spec.clusterServiceClassRef = new ClusterObjectReference(res.className());
      spec.clusterServicePlanRef = new ClusterObjectReference(res.planName());
      if (res.planMissingInSpec()) {
        spec.clusterServicePlanExternalName = planExternalName;
      }
      st.userSpecifiedClassName = "ClusterServiceClass/" + res.serviceClass().spec().externalName;
      props.clusterServicePlanExternalName = planExternalName;
      props.clusterServicePlanExternalID = res.plan().spec().externalID;
    }
    st.userSpecifiedPlanName = planExternalName;
    st.currentOperation = ServiceInstanceStatus.OP_PROVISION;
    st.operationStartTime = Times.now();
    // A provision may reach the broker from now on, so deleting must deprovision.
    st.deprovisionStatus = ServiceInstanceStatus.DEPROVISION_REQUIRED;
    props.parameters = spec.parameters;
    props.parameterChecksum = checksum(spec.parameters);
    props.userInfo = spec.userInfo;
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
      // Required from the moment a bind may be sent (the instance is Ready): unbinding one the
      // broker never made is harmless (410), forgetting one is not.
      st.unbindStatus = ServiceBindingStatus.UNBIND_NOT_REQUIRED;
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
          st.unbindStatus = ServiceBindingStatus.UNBIND_REQUIRED;
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

  // ------------------------------------------------------------------ update

  /**
   * Replaces an object (PUT, or a PATCH already applied to the current JSON by {@code desired}),
   * as kube-apiserver would: optimistic concurrency, immutables, generation on spec change, and
   * the object goes once it is being deleted and its last finalizer is removed.
   */
  public Uni<CustomResource<?, ?>> update(ResourceKind kind, String ns, String name,
      Function<JsonNode, JsonNode> desired, Admission.Target target, UserInfo caller) {
    return store.findForUpdate(kind, ns, name).flatMap(e -> {
      if (e == null) {
        return Uni.createFrom().failure(ApiException.notFound(kind.plural(), name));
      }
      CustomResource<?, ?> current = store.read(e, kind.type());
      JsonNode desiredJson = desired.apply(Json.MAPPER.valueToTree(current));
      CustomResource<?, ?> next = Admission.admitUpdate(kind, current, desiredJson, target);
      boolean specChanged = !java.util.Objects.equals(next.getMetadata().getGeneration(),
          current.getMetadata().getGeneration());
      Uni<Void> prepared = Uni.createFrom().voidItem();
      if (specChanged && kind == ResourceKind.SERVICE_INSTANCE) {
        prepared = instanceSpecChanged((ServiceInstance) current, (ServiceInstance) next, caller);
      }
      boolean abandoned = abandon(next);
      return prepared.flatMap(x -> abandoned
          ? store.audit(e, "io.servicecatalog." + ResourceStore.resourceName(e.kind) + ".abandoned", null)
          : Uni.createFrom().voidItem()).flatMap(x -> {
        if (next.getMetadata().getDeletionTimestamp() != null
            && (next.getMetadata().getFinalizers() == null || next.getMetadata().getFinalizers().isEmpty())) {
          Uni<Void> gone = store.delete(e, next);
          if (next instanceof ServiceBinding b) {
            gone = gone.flatMap(y -> afterBindingGone(ns, b.getSpec().instanceRef.name));
          }
          return gone.replaceWith(next);
        }
        return store.update(e, next).replaceWith(next);
      });
    });
  }

  /** The escape hatch for a resource whose broker is gone: let go of it without the broker. */
  public static final String ABANDON_ANNOTATION = "servicecatalog.k8s.io/abandon";

  /**
   * A deleting object annotated {@code servicecatalog.k8s.io/abandon: "true"} loses the catalog's
   * finalizer: it goes without deprovision/unbind (what the original's {@code svcat --abandon}
   * did by stripping finalizers). Audited as {@code io.servicecatalog.<resource>.abandoned}.
   */
  private static boolean abandon(CustomResource<?, ?> next) {
    var meta = next.getMetadata();
    if (meta.getDeletionTimestamp() == null || meta.getAnnotations() == null
        || !"true".equals(meta.getAnnotations().get(ABANDON_ANNOTATION))
        || meta.getFinalizers() == null || !meta.getFinalizers().contains(ServiceCatalog.FINALIZER)) {
      return false;
    }
    List<String> f = new ArrayList<>(meta.getFinalizers());
    f.remove(ServiceCatalog.FINALIZER);
    meta.setFinalizers(f);
    return true;
  }

  /**
   * A new generation of an instance: who asked, a re-resolved plan when it changed (refused when
   * neither the plan nor its class allows plan changes), and what will be sent. An operation in
   * flight is not interrupted: the gateway sends this generation once that one has finished.
   */
  private Uni<Void> instanceSpecChanged(ServiceInstance current, ServiceInstance next, UserInfo caller) {
    ServiceInstanceSpec spec = next.getSpec();
    if (caller != null) {
      spec.userInfo = caller;
    }
    ServiceInstanceStatus st = next.getStatus();
    // Only a plan change of a resolved instance needs resolving now; an instance that never
    // resolved keeps waiting for its catalog, whatever else changed.
    boolean wasResolved = current.getSpec().clusterServicePlanRef != null || current.getSpec().servicePlanRef != null;
    boolean planCleared = spec.clusterServicePlanRef == null && spec.servicePlanRef == null;
    Uni<PlanResolver.Resolution> resolution = wasResolved && planCleared
        ? resolver.resolve(spec, next.getMetadata().getNamespace()) : Uni.createFrom().nullItem();
    return resolution.flatMap(res -> {
      if (res != null) {
        if (!res.resolved()) {
          return Uni.createFrom().failure(ApiException.invalid("ServiceInstance", next.getMetadata().getName(),
              List.of(cause("FieldValueInvalid", "spec.clusterServicePlanExternalName", res.message()))));
        }
        if (wasResolved) {
          return resolver.planUpdatable(current).flatMap(updatable -> {
            if (!updatable) {
              return Uni.createFrom().failure(ApiException.invalid("ServiceInstance", next.getMetadata().getName(),
                  List.of(cause("FieldValueForbidden", "spec.clusterServicePlanExternalName",
                      "Forbidden: the current plan and its class do not allow plan changes (plan_updateable is false)"))));
            }
            setRefs(next, res);
            return Uni.createFrom().voidItem();
          });
        }
        setRefs(next, res);
      }
      return Uni.createFrom().voidItem();
    }).invoke(() -> {
      if (st == null || !ServiceInstanceStatus.PROVISIONED.equals(st.provisionStatus)) {
        return; // the provision will send the newest spec
      }
      PropertiesState props = new PropertiesState();
      props.parameters = spec.parameters;
      props.parameterChecksum = checksum(spec.parameters);
      props.userInfo = spec.userInfo;
      if (st.currentOperation == null) {
        st.currentOperation = ServiceInstanceStatus.OP_UPDATE;
        st.operationStartTime = Times.now();
        st.inProgressProperties = props;
        st.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE,
            UPDATE_REQUEST_IN_FLIGHT, "Update request for the instance is being sent to the broker");
      }
    }).replaceWithVoid();
  }

  private static void setRefs(ServiceInstance si, PlanResolver.Resolution res) {
    if (res.namespaced()) {
      si.getSpec().servicePlanRef = new LocalObjectReference(res.planName());
    } else {
      si.getSpec().clusterServicePlanRef = new ClusterObjectReference(res.planName());
    }
  }

  // ---------------------------------------------------------------- deletion

  public Uni<CustomResource<?, ?>> delete(ResourceKind kind, String ns, String name) {
    return store.findForUpdate(kind, ns, name).flatMap(e -> {
      if (e == null) {
        return Uni.createFrom().failure(ApiException.notFound(kind.plural(), name));
      }
      return switch (kind) {
        case CLUSTER_SERVICE_BROKER, SERVICE_BROKER -> deleteBroker(kind, e);
        case CLUSTER_SERVICE_CLASS, CLUSTER_SERVICE_PLAN, SERVICE_CLASS, SERVICE_PLAN -> {
          CustomResource<?, ?> obj = store.read(e, kind.type());
          if (obj.getMetadata().getDeletionTimestamp() == null) {
            markDeleting(obj);
          }
          yield finalize(e, obj).replaceWith(obj);
        }
        case SERVICE_INSTANCE -> deleteInstance(e);
        case SERVICE_BINDING -> deleteBinding(e);
      };
    });
  }

  /** A broker takes its plans and classes with it (the original's finalizer did the same). */
  private Uni<CustomResource<?, ?>> deleteBroker(ResourceKind kind, ResourceEntity e) {
    CustomResource<?, ?> b = store.read(e, kind.type());
    markDeleting(b);
    boolean ns = kind == ResourceKind.SERVICE_BROKER;
    ResourceKind planKind = ns ? ResourceKind.SERVICE_PLAN : ResourceKind.CLUSTER_SERVICE_PLAN;
    ResourceKind classKind = ns ? ResourceKind.SERVICE_CLASS : ResourceKind.CLUSTER_SERVICE_CLASS;
    String namespace = ns ? e.namespace : null;
    return store.listOwnedBy(planKind, namespace, e.name)
        .flatMap(plans -> sequentially(plans, p -> store.delete(p, store.read(p, planKind.type()))))
        .flatMap(x -> store.listOwnedBy(classKind, namespace, e.name))
        .flatMap(classes -> sequentially(classes, c -> store.delete(c, store.read(c, classKind.type()))))
        .flatMap(x -> finalize(e, b))
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
