package io.servicecatalog.gateway.k8s;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A namespace's uid, used as {@code space_guid} and {@code app_guid}, and its annotations
 * ({@code context.namespace_annotations}). When the Namespace does not exist in the Kubernetes
 * API (catalog-api used over REST only), a name-based UUID of the namespace name stands in, so
 * the value is stable for the same namespace.
 */
@ApplicationScoped
public class NamespaceIds {
  private final KubernetesClient kube;

  /** What the context needs of a namespace; annotations null when there are none. */
  public record Info(String uid, Map<String, String> annotations) {}

  public NamespaceIds(KubernetesClient kube) {
    this.kube = kube;
  }

  public Uni<String> uid(String namespace) {
    return info(namespace).map(Info::uid);
  }

  public Uni<Info> info(String namespace) {
    return Uni.createFrom()
        .item(
            () -> {
              Namespace ns = kube.namespaces().withName(namespace).get();
              if (ns != null && ns.getMetadata() != null && ns.getMetadata().getUid() != null) {
                Map<String, String> a = ns.getMetadata().getAnnotations();
                return new Info(ns.getMetadata().getUid(), a == null || a.isEmpty() ? null : Map.copyOf(a));
              }
              return new Info(nameBased(namespace), null);
            })
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  public static String nameBased(String namespace) {
    return UUID.nameUUIDFromBytes(namespace.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
