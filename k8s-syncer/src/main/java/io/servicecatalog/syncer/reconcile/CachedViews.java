package io.servicecatalog.syncer.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.catalogapi.CatalogWatcher;
import io.servicecatalog.syncer.kube.CustomResources;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Both sides of an object as the syncer last saw them: the Kubernetes informers' stores and the
 * catalog watchers' memory. Both are updated before a key is queued, so a key taken from the queue
 * sees at least the change that queued it. The reconciler uses this view only to conclude that
 * nothing needs doing (most events are echoes of its own writes); every write is decided on state
 * read fresh from both APIs, so a stale view can delay a step but never cause a wrong one.
 */
@ApplicationScoped
public class CachedViews {
  private final Map<ResourceKind, SharedIndexInformer<GenericKubernetesResource>> informers =
      new ConcurrentHashMap<>();
  private final Map<ResourceKind, CatalogWatcher> watchers = new ConcurrentHashMap<>();
  /** Keys queued by the periodic resync: those are reconciled on fresh reads (the safety net). */
  private final Set<ObjectKey> freshOnly = ConcurrentHashMap.newKeySet();

  /** Both sides, or null when either cache cannot vouch for its state right now. */
  public record Snapshot(ObjectNode customResource, ObjectNode catalogObject) {}

  void register(
      ResourceKind kind,
      SharedIndexInformer<GenericKubernetesResource> informer,
      CatalogWatcher watcher) {
    informers.put(kind, informer);
    watchers.put(kind, watcher);
  }

  void clear() {
    informers.clear();
    watchers.clear();
    freshOnly.clear();
  }

  void requireFreshReads(ObjectKey key) {
    freshOnly.add(key);
  }

  Snapshot get(ObjectKey key) {
    if (freshOnly.remove(key)) {
      return null;
    }
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(key.kind());
    CatalogWatcher watcher = watchers.get(key.kind());
    if (informer == null || watcher == null || !informer.hasSynced() || !informer.isWatching()) {
      return null;
    }
    Optional<ObjectNode> catalogObject = watcher.cached(key);
    if (catalogObject == null) {
      return null;
    }
    String storeKey =
        key.namespace() == null ? key.name() : Cache.namespaceKeyFunc(key.namespace(), key.name());
    GenericKubernetesResource cr = informer.getStore().getByKey(storeKey);
    return new Snapshot(CustomResources.json(cr), catalogObject.orElse(null));
  }
}
