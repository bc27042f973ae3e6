package io.servicecatalog.gateway.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.servicecatalog.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The cluster's id ({@code context.clusterid}, {@code organization_guid}): key {@code id} of
 * ConfigMap {@code default/cluster-info}, created with a random UUID when absent, as the original
 * did. Read once and cached; another replica creating it first is tolerated (409 → read again).
 */
@ApplicationScoped
public class ClusterId {
  private static final Logger LOG = Logger.getLogger(ClusterId.class);
  static final String KEY = "id";

  private final KubernetesClient kube;
  private final GatewayConfig config;
  private volatile String cached;

  public ClusterId(KubernetesClient kube, GatewayConfig config) {
    this.kube = kube;
    this.config = config;
  }

  public Uni<String> get() {
    String id = cached;
    if (id != null) {
      return Uni.createFrom().item(id);
    }
    return Uni.createFrom().item(this::readOrCreate).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  private synchronized String readOrCreate() {
    if (cached != null) {
      return cached;
    }
    String ns = config.clusterId().configMapNamespace();
    String name = config.clusterId().configMapName();
    for (int attempt = 0; attempt < 3; attempt++) {
      ConfigMap cm = kube.configMaps().inNamespace(ns).withName(name).get();
      if (cm != null && cm.getData() != null && notBlank(cm.getData().get(KEY))) {
        cached = cm.getData().get(KEY);
        return cached;
      }
      String fresh = UUID.randomUUID().toString();
      try {
        if (cm == null) {
          kube.configMaps()
              .inNamespace(ns)
              .resource(new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                  .withData(Map.of(KEY, fresh)).build())
              .create();
        } else {
          cm.setData(cm.getData() == null ? new java.util.HashMap<>() : new java.util.HashMap<>(cm.getData()));
          cm.getData().put(KEY, fresh);
          kube.configMaps().inNamespace(ns).resource(cm).update();
        }
        LOG.infof("Created cluster id %s in ConfigMap %s/%s", fresh, ns, name);
        cached = fresh;
        return cached;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Someone else wrote it first: read theirs.
      }
    }
    throw new IllegalStateException("could not read or create ConfigMap " + ns + "/" + name);
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
