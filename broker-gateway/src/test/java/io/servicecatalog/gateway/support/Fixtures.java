package io.servicecatalog.gateway.support;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.ServiceCatalog;
import io.servicecatalog.model.Times;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ClusterObjectReference;
import io.servicecatalog.model.v1beta1.ClusterServiceBroker;
import io.servicecatalog.model.v1beta1.ClusterServiceClass;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.LocalObjectReference;
import io.servicecatalog.model.v1beta1.ObjectReference;
import io.servicecatalog.model.v1beta1.ServiceBinding;
import io.servicecatalog.model.v1beta1.ServiceBindingSpec;
import io.servicecatalog.model.v1beta1.ServiceBindingStatus;
import io.servicecatalog.model.v1beta1.ServiceBrokerAuthInfo;
import io.servicecatalog.model.v1beta1.ServiceBrokerSpec;
import io.servicecatalog.model.v1beta1.ServiceBrokerStatus;
import io.servicecatalog.model.v1beta1.ServiceClassSpec;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.servicecatalog.model.v1beta1.ServiceInstanceSpec;
import io.servicecatalog.model.v1beta1.ServiceInstanceStatus;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import io.servicecatalog.model.v1beta1.UserInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Resources as catalog-api would hold them, and events as it would publish them. */
public final class Fixtures {
  private Fixtures() {}

  public static final String AUTH_NAMESPACE = "brokers";
  public static final String AUTH_SECRET = "broker-auth";
  public static final String NAMESPACE = "team-a";

  public static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static ObjectMeta meta(String namespace, String name) {
    ObjectMeta m = new ObjectMeta();
    m.setNamespace(namespace);
    m.setName(name);
    m.setUid(UUID.randomUUID().toString());
    m.setGeneration(1L);
    m.setResourceVersion("1");
    m.setCreationTimestamp(Times.now());
    return m;
  }

  public static ClusterServiceBroker broker(String name, String url) {
    ClusterServiceBroker b = new ClusterServiceBroker();
    b.setMetadata(meta(null, name));
    ServiceBrokerSpec spec = new ServiceBrokerSpec();
    spec.url = url;
    spec.relistBehavior = ServiceBrokerSpec.RELIST_DURATION;
    spec.authInfo = new ServiceBrokerAuthInfo();
    spec.authInfo.basic = new ServiceBrokerAuthInfo.SecretAuth();
    spec.authInfo.basic.secretRef = new ObjectReference(AUTH_NAMESPACE, AUTH_SECRET);
    b.setSpec(spec);
    b.setStatus(new ServiceBrokerStatus());
    return b;
  }

  public static ClusterServiceClass serviceClass(String name, String broker, String externalId, Boolean bindable) {
    ClusterServiceClass c = new ClusterServiceClass();
    c.setMetadata(meta(null, name));
    ServiceClassSpec spec = new ServiceClassSpec();
    spec.clusterServiceBrokerName = broker;
    spec.externalID = externalId;
    spec.externalName = "mariadb";
    spec.bindable = bindable;
    c.setSpec(spec);
    return c;
  }

  public static ClusterServicePlan plan(String name, String broker, String className, String externalId, Boolean bindable) {
    ClusterServicePlan p = new ClusterServicePlan();
    p.setMetadata(meta(null, name));
    ServicePlanSpec spec = new ServicePlanSpec();
    spec.clusterServiceBrokerName = broker;
    spec.clusterServiceClassRef = new ClusterObjectReference(className);
    spec.externalID = externalId;
    spec.externalName = "small";
    spec.bindable = bindable;
    p.setSpec(spec);
    return p;
  }

  public static UserInfo alice() {
    UserInfo u = new UserInfo();
    u.username = "alice";
    u.uid = "uid-alice";
    u.groups = List.of("dev", "system:authenticated");
    u.extra = Map.of("scopes", List.of("a", "b"));
    return u;
  }

  /** A new instance whose plan catalog-api has resolved, not provisioned yet. */
  public static ServiceInstance instance(String name, String className, String planName) {
    ServiceInstance i = new ServiceInstance();
    i.setMetadata(meta(NAMESPACE, name));
    i.getMetadata().setAnnotations(Map.of("team.example.com/owner", "alice"));
    ServiceInstanceSpec spec = new ServiceInstanceSpec();
    spec.clusterServiceClassExternalName = "mariadb";
    spec.clusterServicePlanExternalName = "small";
    spec.clusterServiceClassRef = new ClusterObjectReference(className);
    spec.clusterServicePlanRef = new ClusterObjectReference(planName);
    spec.externalID = "inst-" + suffix();
    spec.parameters = Json.MAPPER.createObjectNode().put("charset", "utf8mb4");
    spec.userInfo = alice();
    i.setSpec(spec);
    ServiceInstanceStatus s = new ServiceInstanceStatus();
    s.provisionStatus = ServiceInstanceStatus.NOT_PROVISIONED;
    s.deprovisionStatus = ServiceInstanceStatus.DEPROVISION_NOT_REQUIRED;
    s.setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE, "Provisioning", "waiting");
    i.setStatus(s);
    return i;
  }

  public static ServiceInstance markProvisioned(ServiceInstance i) {
    i.getStatus().provisionStatus = ServiceInstanceStatus.PROVISIONED;
    i.getStatus().deprovisionStatus = ServiceInstanceStatus.DEPROVISION_REQUIRED;
    i.getStatus().setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.TRUE, "ProvisionedSuccessfully", "ok");
    return i;
  }

  public static ServiceInstance markDeleting(ServiceInstance i) {
    i.getMetadata().setDeletionTimestamp(Times.now());
    i.getMetadata().setGeneration(i.getMetadata().getGeneration() + 1);
    i.getStatus().setCondition(ServiceCatalog.CONDITION_READY, ServiceCatalog.FALSE, "Deprovisioning", "deleting");
    return i;
  }

  public static ServiceBinding binding(String name, String instanceName) {
    ServiceBinding b = new ServiceBinding();
    b.setMetadata(meta(NAMESPACE, name));
    ServiceBindingSpec spec = new ServiceBindingSpec();
    spec.instanceRef = new LocalObjectReference(instanceName);
    spec.externalID = "bind-" + suffix();
    spec.secretName = name + "-secret";
    spec.userInfo = alice();
    b.setSpec(spec);
    ServiceBindingStatus s = new ServiceBindingStatus();
    s.unbindStatus = ServiceBindingStatus.UNBIND_NOT_REQUIRED;
    b.setStatus(s);
    return b;
  }

  public static ResourceEvent event(ResourceEvent.Type type, CustomResource<?, ?> r) {
    ObjectMeta m = r.getMetadata();
    return new ResourceEvent(ResourceEvent.SCHEMA_VERSION, UUID.randomUUID().toString(), type, r.getKind(), m.getNamespace(),
        m.getName(), m.getUid(), m.getResourceVersion(), m.getGeneration(), Times.now(), Json.MAPPER.valueToTree(r));
  }

  public static ResourceEvent modified(CustomResource<?, ?> r) {
    return event(ResourceEvent.Type.MODIFIED, r);
  }
}
