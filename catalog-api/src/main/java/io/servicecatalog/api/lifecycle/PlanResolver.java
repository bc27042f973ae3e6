package io.servicecatalog.api.lifecycle;

import io.servicecatalog.api.store.ResourceEntity;
import io.servicecatalog.api.store.ResourceStore;
import io.servicecatalog.model.ServiceCatalog.Reasons;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServiceInstanceSpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Finds the ClusterServiceClass and ClusterServicePlan an instance names, in whichever of the
 * three styles it names them (external name, external ID, Kubernetes name).
 */
@ApplicationScoped
public class PlanResolver {

  @Inject ResourceStore store;

  /** The outcome: both objects, or why not (reason as the original's condition reasons). */
  public record Resolution(
      ClusterServiceClass serviceClass,
      ClusterServicePlan plan,
      String reason,
      String message,
      boolean planMissingInSpec) {

    public boolean resolved() {
      return serviceClass != null && plan != null;
    }

    static Resolution failed(String reason, String message) {
      return new Resolution(null, null, reason, message, false);
    }
  }

  public Uni<Resolution> resolve(ServiceInstanceSpec spec) {
    if (spec.clusterServiceClassExternalName == null && spec.clusterServiceClassExternalID == null
        && spec.clusterServiceClassName == null) {
      return Uni.createFrom().item(Resolution.failed(Reasons.REFERENCES_NONEXISTENT_CLASS,
          "References to namespaced ServiceClasses need a namespaced ServiceBroker, which this"
              + " catalog version does not serve yet"));
    }
    return store.list(ResourceKind.CLUSTER_SERVICE_CLASS, null)
        .flatMap(classes -> {
          List<ClusterServiceClass> matches = classes.stream()
              .map(e -> store.read(e, ClusterServiceClass.class))
              .filter(classMatcher(spec))
              .toList();
          String wanted = describeClass(spec);
          if (matches.isEmpty()) {
            return Uni.createFrom().item(Resolution.failed(Reasons.REFERENCES_NONEXISTENT_CLASS,
                "References a non-existent ClusterServiceClass " + wanted));
          }
          if (matches.size() > 1) {
            return Uni.createFrom().item(Resolution.failed(Reasons.REFERENCES_NONEXISTENT_CLASS,
                "References ClusterServiceClass " + wanted + ", which " + matches.size()
                    + " brokers offer; name it by clusterServiceClassName or clusterServiceClassExternalID"));
          }
          ClusterServiceClass cls = matches.get(0);
          return store.listOwnedBy(ResourceKind.CLUSTER_SERVICE_PLAN, null,
                  cls.getSpec().clusterServiceBrokerName)
              .map(planRows -> choosePlan(spec, cls, planRows));
        });
  }

  private Resolution choosePlan(ServiceInstanceSpec spec, ClusterServiceClass cls,
      List<ResourceEntity> planRows) {
    List<ClusterServicePlan> plans = planRows.stream()
        .map(e -> store.read(e, ClusterServicePlan.class))
        .filter(p -> p.getSpec().clusterServiceClassRef != null
            && cls.getMetadata().getName().equals(p.getSpec().clusterServiceClassRef.name))
        .toList();
    boolean planNamed = spec.clusterServicePlanExternalName != null
        || spec.clusterServicePlanExternalID != null || spec.clusterServicePlanName != null;
    if (!planNamed) {
      List<ClusterServicePlan> live = plans.stream().filter(p -> !removed(p)).toList();
      if (live.size() == 1) {
        return new Resolution(cls, live.get(0), null, null, true);
      }
      return new Resolution(cls, null, Reasons.REFERENCES_NONEXISTENT_PLAN,
          "No plan was named and ClusterServiceClass \"" + cls.getSpec().externalName + "\" has "
              + live.size() + " plans; name one with clusterServicePlanExternalName", true);
    }
    List<ClusterServicePlan> matches = plans.stream().filter(planMatcher(spec)).toList();
    if (matches.isEmpty()) {
      return new Resolution(cls, null, Reasons.REFERENCES_NONEXISTENT_PLAN,
          "References a non-existent ClusterServicePlan " + describePlan(spec)
              + " of ClusterServiceClass \"" + cls.getSpec().externalName + "\"", false);
    }
    ClusterServicePlan plan = matches.get(0);
    if (removed(plan)) {
      return new Resolution(cls, null, Reasons.REFERENCES_DELETED_PLAN,
          "ClusterServicePlan " + describePlan(spec) + " has been removed from the broker's catalog;"
              + " new instances cannot use it", false);
    }
    return new Resolution(cls, plan, null, null, false);
  }

  private static boolean removed(ClusterServicePlan p) {
    return p.getStatus() != null && Boolean.TRUE.equals(p.getStatus().removedFromBrokerCatalog);
  }

  private static Predicate<ClusterServiceClass> classMatcher(ServiceInstanceSpec s) {
    if (s.clusterServiceClassExternalName != null) {
      return c -> s.clusterServiceClassExternalName.equals(c.getSpec().externalName)
          && !(c.getStatus() != null && Boolean.TRUE.equals(c.getStatus().removedFromBrokerCatalog));
    }
    if (s.clusterServiceClassExternalID != null) {
      return c -> s.clusterServiceClassExternalID.equals(c.getSpec().externalID);
    }
    return c -> Objects.equals(s.clusterServiceClassName, c.getMetadata().getName());
  }

  private static Predicate<ClusterServicePlan> planMatcher(ServiceInstanceSpec s) {
    if (s.clusterServicePlanExternalName != null) {
      return p -> s.clusterServicePlanExternalName.equals(p.getSpec().externalName);
    }
    if (s.clusterServicePlanExternalID != null) {
      return p -> s.clusterServicePlanExternalID.equals(p.getSpec().externalID);
    }
    return p -> Objects.equals(s.clusterServicePlanName, p.getMetadata().getName());
  }

  static String describeClass(ServiceInstanceSpec s) {
    if (s.clusterServiceClassExternalName != null) {
      return "(externalName \"" + s.clusterServiceClassExternalName + "\")";
    }
    if (s.clusterServiceClassExternalID != null) {
      return "(externalID \"" + s.clusterServiceClassExternalID + "\")";
    }
    return "(name \"" + s.clusterServiceClassName + "\")";
  }

  static String describePlan(ServiceInstanceSpec s) {
    if (s.clusterServicePlanExternalName != null) {
      return "(externalName \"" + s.clusterServicePlanExternalName + "\")";
    }
    if (s.clusterServicePlanExternalID != null) {
      return "(externalID \"" + s.clusterServicePlanExternalID + "\")";
    }
    return "(name \"" + s.clusterServicePlanName + "\")";
  }
}
