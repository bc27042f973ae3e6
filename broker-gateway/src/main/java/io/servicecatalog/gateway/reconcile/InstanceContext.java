package io.servicecatalog.gateway.reconcile;

import io.servicecatalog.gateway.k8s.ClusterId;
import io.servicecatalog.gateway.k8s.NamespaceIds;
import io.servicecatalog.gateway.osb.KubernetesContext;
import io.servicecatalog.gateway.osb.OsbHeaders;
import io.servicecatalog.model.v1beta1.ServiceInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * The Kubernetes profile's {@code context} (platform, namespace, clusterid, instance_name,
 * instance_annotations, namespace_annotations) and the deprecated {@code organization_guid} (the
 * cluster id) / {@code space_guid} (the namespace uid) that go with it.
 */
@ApplicationScoped
public class InstanceContext {
  private final ClusterId clusterId;
  private final NamespaceIds namespaceIds;

  public InstanceContext(ClusterId clusterId, NamespaceIds namespaceIds) {
    this.clusterId = clusterId;
    this.namespaceIds = namespaceIds;
  }

  /** The context of a request about {@code instance}; the namespace's uid doubles as space and app guid. */
  public record Built(KubernetesContext context, String organizationGuid, String spaceGuid) {}

  public Uni<Built> of(ServiceInstance instance, boolean withInstanceAnnotations) {
    String ns = instance.getMetadata().getNamespace();
    return Uni.combine().all().unis(clusterId.get(), namespaceIds.info(ns)).asTuple().map(t -> {
      Map<String, String> annotations = instance.getMetadata().getAnnotations();
      KubernetesContext context = new KubernetesContext(OsbHeaders.PLATFORM_KUBERNETES, ns, t.getItem1(),
          instance.getMetadata().getName(),
          withInstanceAnnotations && annotations != null && !annotations.isEmpty() ? annotations : null,
          t.getItem2().annotations());
      return new Built(context, t.getItem1(), t.getItem2().uid());
    });
  }
}
