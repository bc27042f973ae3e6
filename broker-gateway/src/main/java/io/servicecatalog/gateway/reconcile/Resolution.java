package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceStatus;

/** An instance with its resolved plan, class and broker as catalog-api has them now (any may be null). */
public record Resolution(
    ServiceInstance instance, ClusterServicePlan plan, ClusterServiceClass serviceClass, ClusterServiceBroker broker) {

  public String planName() {
    return instance.getSpec().clusterServicePlanRef == null ? null : instance.getSpec().clusterServicePlanRef.name;
  }

  public String className() {
    return instance.getSpec().clusterServiceClassRef == null ? null : instance.getSpec().clusterServiceClassRef.name;
  }

  public String brokerName() {
    if (plan != null && plan.getSpec() != null && plan.getSpec().clusterServiceBrokerName != null) {
      return plan.getSpec().clusterServiceBrokerName;
    }
    return serviceClass != null && serviceClass.getSpec() != null ? serviceClass.getSpec().clusterServiceBrokerName : null;
  }

  public String serviceId() {
    return serviceClass == null || serviceClass.getSpec() == null ? null : serviceClass.getSpec().externalID;
  }

  public String planId() {
    return plan == null || plan.getSpec() == null ? null : plan.getSpec().externalID;
  }

  /** The plan the broker has the instance on: status.externalProperties first, then the resolved plan. */
  public String provisionedPlanId() {
    ServiceInstanceStatus s = instance.getStatus();
    if (s != null && s.externalProperties != null && s.externalProperties.clusterServicePlanExternalID != null) {
      return s.externalProperties.clusterServicePlanExternalID;
    }
    return planId();
  }

  public Long maximumPollingDuration() {
    return plan == null || plan.getSpec() == null ? null : plan.getSpec().maximumPollingDuration;
  }

  public String classExternalName() {
    return serviceClass == null || serviceClass.getSpec() == null ? null : serviceClass.getSpec().externalName;
  }
}
