package io.servicecatalog.gateway.catalogapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.events.ResourceEvent;
import io.servicecatalog.model.v1beta1.ClusterServicePlan;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.model.v1beta1.ServicePlanSpec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CatalogObjectCacheTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final CatalogObjectCache cache = new CatalogObjectCache(Duration.ofSeconds(5), now::get);

  @Test
  void servesWhatWasReadUntilTheTtlPasses() {
    cache.put(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small", plan("small", "10", "first"));
    assertEquals("first", description(cache.get(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small").orElseThrow()));
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertTrue(cache.get(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small").isEmpty(), "stale entries are not served");
  }

  @Test
  void aNewerEventReplacesAnOlderReadAndAnOlderEventDoesNot() {
    cache.put(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small", plan("small", "10", "read"));
    cache.onEvent(event(ResourceEvent.Type.MODIFIED, plan("small", "12", "changed")));
    assertEquals("changed", description(cache.get(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small").orElseThrow()));
    cache.onEvent(event(ResourceEvent.Type.MODIFIED, plan("small", "11", "late replay")));
    assertEquals("changed", description(cache.get(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small").orElseThrow()));
    cache.put(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small", plan("small", "11", "slow read"));
    assertEquals("changed", description(cache.get(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small").orElseThrow()));
  }

  @Test
  void aDeletionIsRememberedAsNotFound() {
    cache.put(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small", plan("small", "10", "read"));
    cache.onEvent(event(ResourceEvent.Type.DELETED, plan("small", "13", "gone")));
    CatalogObjectCache.Entry e = cache.get(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small").orElseThrow();
    assertNull(e.object());
  }

  @Test
  void instancesAndBindingsAreNeverCached() {
    assertTrue(!CatalogObjectCache.cached(ResourceKind.SERVICE_INSTANCE));
    assertTrue(!CatalogObjectCache.cached(ResourceKind.SERVICE_BINDING));
  }

  @Test
  void aZeroTtlTurnsTheCacheOff() {
    CatalogObjectCache off = new CatalogObjectCache(Duration.ZERO, now::get);
    off.put(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small", plan("small", "10", "read"));
    assertTrue(off.get(ResourceKind.CLUSTER_SERVICE_PLAN, null, "small").isEmpty());
  }

  private static ClusterServicePlan plan(String name, String rv, String description) {
    ClusterServicePlan p = new ClusterServicePlan();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withResourceVersion(rv).withUid("uid-" + name).build());
    ServicePlanSpec spec = new ServicePlanSpec();
    spec.description = description;
    p.setSpec(spec);
    return p;
  }

  private static ResourceEvent event(ResourceEvent.Type type, ClusterServicePlan p) {
    return new ResourceEvent(ResourceEvent.SCHEMA_VERSION, "e-" + p.getMetadata().getResourceVersion(), type,
        "ClusterServicePlan", null, p.getMetadata().getName(), p.getMetadata().getUid(),
        p.getMetadata().getResourceVersion(), 1L, null, Json.MAPPER.valueToTree(p));
  }

  private static String description(CatalogObjectCache.Entry e) {
    return ((ClusterServicePlan) e.object()).getSpec().description;
  }
}
