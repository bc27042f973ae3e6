package io.servicecatalog.api.lifecycle;

import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServiceClassStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceSpec;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import io.servicecatalog.model.v1beta1.ServicePlanStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;

/**
 * Finds the class and plan an instance names, in whichever of the three styles it names them
 * (external name, external ID, Kubernetes name), among the cluster-scoped ClusterServiceClasses
 * or the ServiceClasses of the instance's own namespace.
 */
@ApplicationScoped
public class PlanResolver {

  @Inject ResourceStore store;

  /** A class or plan as read from the store: its object name and shared spec fields. */
  public record Named<S>(String name, S spec, boolean removed) {}

  /** The outcome: both objects, or why not (reason as the original's condition reasons). */
  public record Resolution(
      boolean namespaced,
      Named<ServiceClassSpec> serviceClass,
      Named<ServicePlanSpec> plan,
      String reason,
      String message,
      boolean planMissingInSpec) {

    public boolean resolved() {
      return serviceClass != null && plan != null;
    }

    public String className() {
      return serviceClass.name();
    }

    public String planName() {
      return plan.name();
    }

    static Resolution failed(boolean namespaced, String reason, String message) {
      return new Resolution(namespaced, null, null, reason, message, false);
    }
  }

  /** One reference style, read off the spec in either scope. */
  private record Ref(boolean namespaced, String classExternalName, String classExternalID, String className,
      String planExternalName, String planExternalID, String planName) {

    static Ref of(ServiceInstanceSpec s) {
      boolean ns = s.serviceClassExternalName != null || s.serviceClassExternalID != null || s.serviceClassName != null;
      return ns
          ? new Ref(true, s.serviceClassExternalName, s.serviceClassExternalID, s.serviceClassName,
              s.servicePlanExternalName, s.servicePlanExternalID, s.servicePlanName)
          : new Ref(false, s.clusterServiceClassExternalName, s.clusterServiceClassExternalID, s.clusterServiceClassName,
              s.clusterServicePlanExternalName, s.clusterServicePlanExternalID, s.clusterServicePlanName);
    }

    boolean planNamed() {
      return planExternalName != null || planExternalID != null || planName != null;
    }

    String classKind() {
      return namespaced ? "ServiceClass" : "ClusterServiceClass";
    }

    String planKind() {
      return namespaced ? "ServicePlan" : "ClusterServicePlan";
    }

    String describeClass() {
      return classExternalName != null ? "(externalName \"" + classExternalName + "\")"
          : classExternalID != null ? "(externalID \"" + classExternalID + "\")" : "(name \"" + className + "\")";
    }

    String describePlan() {
      return planExternalName != null ? "(externalName \"" + planExternalName + "\")"
          : planExternalID != null ? "(externalID \"" + planExternalID + "\")" : "(name \"" + planName + "\")";
    }
  }

  public Uni<Resolution> resolve(ServiceInstanceSpec spec, String namespace) {
    Ref ref = Ref.of(spec);
    ResourceKind classKind = ref.namespaced ? ResourceKind.SERVICE_CLASS : ResourceKind.CLUSTER_SERVICE_CLASS;
    return store.list(classKind, ref.namespaced ? namespace : null).flatMap(rows -> {
      List<Named<ServiceClassSpec>> matches = rows.stream().map(this::classOf)
          .filter(c -> classMatches(ref, c)).toList();
      if (matches.isEmpty()) {
        return Uni.createFrom().item(Resolution.failed(ref.namespaced, Reasons.REFERENCES_NONEXISTENT_CLASS,
            "References a non-existent " + ref.classKind() + " " + ref.describeClass()));
      }
      if (matches.size() > 1) {
        return Uni.createFrom().item(Resolution.failed(ref.namespaced, Reasons.REFERENCES_NONEXISTENT_CLASS,
            "References " + ref.classKind() + " " + ref.describeClass() + ", which " + matches.size()
                + " brokers offer; name it by its Kubernetes name or external ID"));
      }
      Named<ServiceClassSpec> cls = matches.get(0);
      String broker = ref.namespaced ? cls.spec().serviceBrokerName : cls.spec().clusterServiceBrokerName;
      ResourceKind planKind = ref.namespaced ? ResourceKind.SERVICE_PLAN : ResourceKind.CLUSTER_SERVICE_PLAN;
      return store.listOwnedBy(planKind, ref.namespaced ? namespace : null, broker)
          .map(planRows -> choosePlan(ref, cls, planRows));
    });
  }

  /** plan_updateable of the instance's current plan, else of its class (OSB: the plan wins). */
  public Uni<Boolean> planUpdatable(ServiceInstance current) {
    ServiceInstanceSpec s = current.getSpec();
    boolean ns = s.servicePlanRef != null;
    String ns0 = ns ? current.getMetadata().getNamespace() : null;
    String planName = ns ? s.servicePlanRef.name : s.clusterServicePlanRef == null ? null : s.clusterServicePlanRef.name;
    String className = ns ? (s.serviceClassRef == null ? null : s.serviceClassRef.name)
        : (s.clusterServiceClassRef == null ? null : s.clusterServiceClassRef.name);
    if (planName == null || className == null) {
      return Uni.createFrom().item(false);
    }
    return store.find(ns ? ResourceKind.SERVICE_PLAN : ResourceKind.CLUSTER_SERVICE_PLAN, ns0, planName)
        .flatMap(pe -> store.find(ns ? ResourceKind.SERVICE_CLASS : ResourceKind.CLUSTER_SERVICE_CLASS, ns0, className)
            .map(ce -> {
              Boolean planFlag = pe == null ? null : planOf(pe).spec().planUpdatable;
              if (planFlag != null) {
                return planFlag;
              }
              return ce != null && Boolean.TRUE.equals(classOf(ce).spec().planUpdatable);
            }));
  }

  private Resolution choosePlan(Ref ref, Named<ServiceClassSpec> cls, List<ResourceEntity> planRows) {
    List<Named<ServicePlanSpec>> plans = planRows.stream().map(this::planOf)
        .filter(p -> cls.name().equals(ref.namespaced
            ? (p.spec().serviceClassRef == null ? null : p.spec().serviceClassRef.name)
            : (p.spec().clusterServiceClassRef == null ? null : p.spec().clusterServiceClassRef.name)))
        .toList();
    if (!ref.planNamed()) {
      List<Named<ServicePlanSpec>> live = plans.stream().filter(p -> !p.removed()).toList();
      if (live.size() == 1) {
        return new Resolution(ref.namespaced, cls, live.get(0), null, null, true);
      }
      return new Resolution(ref.namespaced, cls, null, Reasons.REFERENCES_NONEXISTENT_PLAN,
          "No plan was named and " + ref.classKind() + " \"" + cls.spec().externalName + "\" has "
              + live.size() + " plans; name one", true);
    }
    List<Named<ServicePlanSpec>> matches = plans.stream().filter(p -> planMatches(ref, p)).toList();
    if (matches.isEmpty()) {
      return new Resolution(ref.namespaced, cls, null, Reasons.REFERENCES_NONEXISTENT_PLAN,
          "References a non-existent " + ref.planKind() + " " + ref.describePlan() + " of "
              + ref.classKind() + " \"" + cls.spec().externalName + "\"", false);
    }
    Named<ServicePlanSpec> plan = matches.get(0);
    if (plan.removed()) {
      return new Resolution(ref.namespaced, cls, null, Reasons.REFERENCES_DELETED_PLAN,
          ref.planKind() + " " + ref.describePlan() + " has been removed from the broker's catalog;"
              + " new instances cannot use it", false);
    }
    return new Resolution(ref.namespaced, cls, plan, null, null, false);
  }

  private static boolean classMatches(Ref ref, Named<ServiceClassSpec> c) {
    if (ref.classExternalName != null) {
      return ref.classExternalName.equals(c.spec().externalName) && !c.removed();
    }
    if (ref.classExternalID != null) {
      return ref.classExternalID.equals(c.spec().externalID);
    }
    return Objects.equals(ref.className, c.name());
  }

  private static boolean planMatches(Ref ref, Named<ServicePlanSpec> p) {
    if (ref.planExternalName != null) {
      return ref.planExternalName.equals(p.spec().externalName);
    }
    if (ref.planExternalID != null) {
      return ref.planExternalID.equals(p.spec().externalID);
    }
    return Objects.equals(ref.planName, p.name());
  }

  Named<ServiceClassSpec> classOf(ResourceEntity e) {
    var c = store.read(e, io.servicecatalog.model.v1beta1.ClusterServiceClass.class);
    ServiceClassStatus st = c.getStatus();
    return new Named<>(e.name, c.getSpec(), st != null && Boolean.TRUE.equals(st.removedFromBrokerCatalog));
  }

  Named<ServicePlanSpec> planOf(ResourceEntity e) {
    var p = store.read(e, io.servicecatalog.model.v1beta1.ClusterServicePlan.class);
    ServicePlanStatus st = p.getStatus();
    return new Named<>(e.name, p.getSpec(), st != null && Boolean.TRUE.equals(st.removedFromBrokerCatalog));
  }
}
