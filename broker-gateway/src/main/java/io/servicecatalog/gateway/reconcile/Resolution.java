package io.servicecatalog.gateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServiceClassStatus;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceStatus;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import io.servicecatalog.model.v1beta1.ServicePlanStatus;

/**
 * An instance with its resolved plan, class and broker as catalog-api has them now (any may be
 * null). Cluster-scoped (ClusterServicePlan...) or namespaced (ServicePlan... in the instance's
 * namespace), as the instance's resolved references say.
 */
public record Resolution(
    ServiceInstance instance,
    CustomResource<ServicePlanSpec, ServicePlanStatus> plan,
    CustomResource<ServiceClassSpec, ServiceClassStatus> serviceClass,
    CustomResource<ServiceBrokerSpec, ServiceBrokerStatus> broker) {

  /** The namespace of namespaced catalog objects, or null for the cluster-scoped ones. */
  public String scope() {
    return scopeOf(instance);
  }

  public static String scopeOf(ServiceInstance i) {
    if (i.getSpec().clusterServicePlanRef == null && i.getSpec().servicePlanRef != null) {
      return i.getMetadata().getNamespace();
    }
    return null;
  }

  public String planKind() {
    return scope() == null ? "ClusterServicePlan" : "ServicePlan";
  }

  public String classKind() {
    return scope() == null ? "ClusterServiceClass" : "ServiceClass";
  }

  public String brokerKind() {
    return scope() == null ? "ClusterServiceBroker" : "ServiceBroker";
  }

  public static String planNameOf(ServiceInstance i) {
    if (i.getSpec().clusterServicePlanRef != null) {
      return i.getSpec().clusterServicePlanRef.name;
    }
    return i.getSpec().servicePlanRef == null ? null : i.getSpec().servicePlanRef.name;
  }

  public static String classNameOf(ServiceInstance i) {
    if (i.getSpec().clusterServiceClassRef != null) {
      return i.getSpec().clusterServiceClassRef.name;
    }
    return i.getSpec().serviceClassRef == null ? null : i.getSpec().serviceClassRef.name;
  }

  public String planName() {
    return planNameOf(instance);
  }

  public String className() {
    return classNameOf(instance);
  }

  public ServicePlanSpec planSpec() {
    return plan == null ? null : plan.getSpec();
  }

  public ServiceClassSpec classSpec() {
    return serviceClass == null ? null : serviceClass.getSpec();
  }

  public String brokerName() {
    ServicePlanSpec p = planSpec();
    if (p != null) {
      String n = p.clusterServiceBrokerName != null ? p.clusterServiceBrokerName : p.serviceBrokerName;
      if (n != null) {
        return n;
      }
    }
    ServiceClassSpec c = classSpec();
    if (c == null) {
      return null;
    }
    return c.clusterServiceBrokerName != null ? c.clusterServiceBrokerName : c.serviceBrokerName;
  }

  public String serviceId() {
    return classSpec() == null ? null : classSpec().externalID;
  }

  public String planId() {
    return planSpec() == null ? null : planSpec().externalID;
  }

  /** The plan the broker has the instance on: status.externalProperties first, then the resolved plan. */
  public String provisionedPlanId() {
    ServiceInstanceStatus s = instance.getStatus();
    if (s != null && s.externalProperties != null) {
      if (s.externalProperties.clusterServicePlanExternalID != null) {
        return s.externalProperties.clusterServicePlanExternalID;
      }
      if (s.externalProperties.servicePlanExternalID != null) {
        return s.externalProperties.servicePlanExternalID;
      }
    }
    return planId();
  }

  public Long maximumPollingDuration() {
    return planSpec() == null ? null : planSpec().maximumPollingDuration;
  }

  public String classExternalName() {
    return classSpec() == null ? null : classSpec().externalName;
  }

  public String planExternalName() {
    return planSpec() == null ? null : planSpec().externalName;
  }

  /** maintenance_info.version of the plan in the catalog, if it has one. */
  public String maintenanceVersion() {
    return maintenanceVersionOf(planSpec());
  }

  public static String maintenanceVersionOf(ServicePlanSpec p) {
    if (p == null || p.maintenanceInfo == null) {
      return null;
    }
    JsonNode v = p.maintenanceInfo.get("version");
    return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
  }

  /** plan_updateable of a plan: the plan's own flag, else its class's, else false (spec default). */
  public static boolean planUpdatable(ServicePlanSpec plan, ServiceClassSpec serviceClass) {
    if (plan != null && plan.planUpdatable != null) {
      return plan.planUpdatable;
    }
    return serviceClass != null && Boolean.TRUE.equals(serviceClass.planUpdatable);
  }

  public boolean bindingRotatable() {
    return planSpec() != null && Boolean.TRUE.equals(planSpec().bindingRotatable);
  }

  public boolean instancesRetrievable() {
    return classSpec() != null && Boolean.TRUE.equals(classSpec().instancesRetrievable);
  }
}
