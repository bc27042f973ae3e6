package io.servicecatalog.model.v1beta1;

import io.fabric8.kubernetes.client.CustomResource;
import java.util.Arrays;
import java.util.Optional;

/** The kinds the catalog serves, with their REST plural and scope. */
public enum ResourceKind {
  CLUSTER_SERVICE_BROKER("ClusterServiceBroker", "clusterservicebrokers", false, ClusterServiceBroker.class),
  SERVICE_BROKER("ServiceBroker", "servicebrokers", true, ServiceBroker.class),
  CLUSTER_SERVICE_CLASS("ClusterServiceClass", "clusterserviceclasses", false, ClusterServiceClass.class),
  SERVICE_CLASS("ServiceClass", "serviceclasses", true, ServiceClass.class),
  CLUSTER_SERVICE_PLAN("ClusterServicePlan", "clusterserviceplans", false, ClusterServicePlan.class),
  SERVICE_PLAN("ServicePlan", "serviceplans", true, ServicePlan.class),
  SERVICE_INSTANCE("ServiceInstance", "serviceinstances", true, ServiceInstance.class),
  SERVICE_BINDING("ServiceBinding", "servicebindings", true, ServiceBinding.class);

  private final String kind;
  private final String plural;
  private final boolean namespaced;
  private final Class<? extends CustomResource<?, ?>> type;

  ResourceKind(String kind, String plural, boolean namespaced, Class<? extends CustomResource<?, ?>> type) {
    this.kind = kind;
    this.plural = plural;
    this.namespaced = namespaced;
    this.type = type;
  }

  public String kind() {
    return kind;
  }

  public String plural() {
    return plural;
  }

  public boolean namespaced() {
    return namespaced;
  }

  public Class<? extends CustomResource<?, ?>> type() {
    return type;
  }

  /** Brokers of either scope. */
  public boolean isBroker() {
    return this == CLUSTER_SERVICE_BROKER || this == SERVICE_BROKER;
  }

  /** Classes of either scope. */
  public boolean isServiceClass() {
    return this == CLUSTER_SERVICE_CLASS || this == SERVICE_CLASS;
  }

  /** Plans of either scope. */
  public boolean isServicePlan() {
    return this == CLUSTER_SERVICE_PLAN || this == SERVICE_PLAN;
  }

  public static Optional<ResourceKind> fromPlural(String plural) {
    return Arrays.stream(values()).filter(k -> k.plural.equals(plural)).findFirst();
  }

  public static Optional<ResourceKind> fromKind(String kind) {
    return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
  }
}
