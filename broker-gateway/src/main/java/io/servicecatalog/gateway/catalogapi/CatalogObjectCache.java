package io.servicecatalog.gateway.catalogapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.CustomResource;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ResourceKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import io.servicecatalog.gateway.config.GatewayConfig;

/**
 * Brokers, classes and plans as last read from catalog-api or seen on the resource topic, kept
 * for a short time. Every provision, update, bind and deprovision needs its plan, class and
 * broker; they change rarely (a catalog relist), so reading them once per TTL instead of three
 * round trips per step takes catalog-api off the path users wait on.
 *
 * <p>Why a TTL and not only the event stream: with several gateway replicas each sees only its
 * own partitions' events, so an entry may miss a change; the TTL bounds how stale it can be.
 * Newer versions (by resourceVersion) always replace older ones, whichever path brings them.
 */
@ApplicationScoped
public class CatalogObjectCache {

  record Key(ResourceKind kind, String namespace, String name) {
  }

  /** {@code object == null}: known not to exist (404, or a DELETED event). */
  record Entry(CustomResource<?, ?> object, long resourceVersion, long loadedAtNanos) {
  }

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final LongSupplier clock;

  @Inject
  public CatalogObjectCache(GatewayConfig config) {
    this(config.catalogApi().cacheTtl(), System::nanoTime);
  }

  CatalogObjectCache(Duration ttl, LongSupplier clock) {
    this.ttlNanos = ttl.toNanos();
    this.clock = clock;
  }

  static boolean cached(ResourceKind kind) {
    return switch (kind) {
      case CLUSTER_SERVICE_BROKER, SERVICE_BROKER, CLUSTER_SERVICE_CLASS, SERVICE_CLASS, CLUSTER_SERVICE_PLAN,
          SERVICE_PLAN -> true;
      default -> false;
    };
  }

  /** A fresh entry, or empty when there is none (then read catalog-api and {@link #put} it). */
  Optional<Entry> get(ResourceKind kind, String namespace, String name) {
    if (ttlNanos <= 0) {
      return Optional.empty();
    }
    Entry e = entries.get(new Key(kind, namespace, name));
    if (e == null || clock.getAsLong() - e.loadedAtNanos > ttlNanos) {
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /** What catalog-api answered (null = 404); kept unless a newer version is already here. */
  void put(ResourceKind kind, String namespace, String name, CustomResource<?, ?> object) {
    if (ttlNanos <= 0) {
      return;
    }
    long rv = object == null ? -1 : version(object.getMetadata().getResourceVersion());
    merge(new Key(kind, namespace, name), new Entry(object, rv, clock.getAsLong()));
  }

  /** A change seen on the resource topic: the newest state, whoever asked for it. */
  public void onEvent(ResourceEvent event) {
    if (ttlNanos <= 0 || event == null || event.kind() == null) {
      return;
    }
    Optional<ResourceKind> kind = ResourceKind.fromKind(event.kind());
    if (kind.isEmpty() || !cached(kind.get())) {
      return;
    }
    Key key = new Key(kind.get(), kind.get().namespaced() ? event.namespace() : null, event.name());
    long rv = version(event.resourceVersion());
    if (event.type() == ResourceEvent.Type.DELETED) {
      merge(key, new Entry(null, rv, clock.getAsLong()));
      return;
    }
    JsonNode object = event.object();
    if (object == null || object.isNull()) {
      return;
    }
    try {
      CustomResource<?, ?> value = Json.MAPPER.treeToValue(object, kind.get().type());
      merge(key, new Entry(value, rv, clock.getAsLong()));
    } catch (Exception e) {
      entries.remove(key); // unreadable: let the next read go to catalog-api
    }
  }

  private void merge(Key key, Entry fresh) {
    entries.merge(key, fresh, (old, neu) -> neu.resourceVersion >= old.resourceVersion || neu.resourceVersion < 0
        ? neu
        : new Entry(old.object, old.resourceVersion, neu.loadedAtNanos));
  }

  private static long version(String rv) {
    try {
      return rv == null ? -1 : Long.parseLong(rv);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
