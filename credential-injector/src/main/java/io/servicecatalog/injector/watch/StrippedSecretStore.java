package io.servicecatalog.injector.watch;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.servicecatalog.injector.secrets.SecretOwnership;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The watch's cache of the injector's Secrets, holding only what drift detection needs: name,
 * namespace, resourceVersion, type, the injector's labels and annotations. Never {@code data}
 * (credentials stay in the Kubernetes API, not in this process between events) and never other
 * annotations (a {@code kubectl.kubernetes.io/last-applied-configuration} can hold a Secret's
 * whole content). Event handlers still receive the full object of the event they handle.
 * Indexed by binding uid.
 */
final class StrippedSecretStore implements ItemStore<Secret> {
  private static final List<String> LABELS =
      List.of(SecretOwnership.MANAGED_BY, SecretOwnership.BINDING_UID, SecretOwnership.BINDING_NAME);
  private static final List<String> ANNOTATIONS =
      List.of(SecretOwnership.ENVELOPE, SecretOwnership.DATA_DIGEST, SecretOwnership.LAST_ROTATION);

  private final ConcurrentHashMap<String, Secret> items = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> keyByUid = new ConcurrentHashMap<>();

  @Override
  public String getKey(Secret secret) {
    return Cache.metaNamespaceKeyFunc(secret);
  }

  @Override
  public Secret put(String key, Secret secret) {
    Secret stripped = strip(secret);
    Secret old = items.put(key, stripped);
    unindex(key, old);
    String uid = SecretOwnership.bindingUid(stripped);
    if (uid != null) {
      keyByUid.put(uid, key);
    }
    return old;
  }

  @Override
  public Secret remove(String key) {
    Secret old = items.remove(key);
    unindex(key, old);
    return old;
  }

  private void unindex(String key, Secret old) {
    String uid = old == null ? null : SecretOwnership.bindingUid(old);
    if (uid != null) {
      keyByUid.remove(uid, key);
    }
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<Secret> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public Secret get(String key) {
    return items.get(key);
  }

  /**
   * Not the full objects: the informer must hand the listed objects themselves to the handler,
   * not read them back from here (it does that for the initial listing of a full-state store).
   */
  @Override
  public boolean isFullState() {
    return false;
  }

  /** Whether a Secret labelled with this binding uid is known. */
  boolean holdsUid(String bindingUid) {
    return keyByUid.containsKey(bindingUid);
  }

  static Secret strip(Secret s) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(s.getMetadata().getName())
        .withNamespace(s.getMetadata().getNamespace())
        .withUid(s.getMetadata().getUid())
        .withResourceVersion(s.getMetadata().getResourceVersion())
        .withLabels(only(s.getMetadata().getLabels(), LABELS))
        .withAnnotations(only(s.getMetadata().getAnnotations(), ANNOTATIONS))
        .endMetadata()
        .withType(s.getType())
        .build();
  }

  private static Map<String, String> only(Map<String, String> from, List<String> keys) {
    if (from == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : keys) {
      if (from.containsKey(k)) {
        out.put(k, from.get(k));
      }
    }
    return out.isEmpty() ? null : out;
  }
}
