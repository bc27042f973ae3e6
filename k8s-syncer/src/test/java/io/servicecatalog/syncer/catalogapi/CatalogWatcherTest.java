package io.servicecatalog.syncer.catalogapi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.servicecatalog.model.Json;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.reconcile.ObjectKey;
import io.servicecatalog.syncer.support.FakeCatalogApi;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Following catalog-api: watch, relist after a broken or expired watch, polling without watch. */
class CatalogWatcherTest {
  FakeCatalogApi fake;
  CatalogWatcher watcher;
  Thread thread;
  final Set<ObjectKey> seen = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() {
    fake = FakeCatalogApi.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (watcher != null) {
      watcher.stop();
      thread.interrupt();
      thread.join(2000);
    }
    fake.close();
  }

  void follow() {
    CatalogApi api = new CatalogApi(fake.url(), Duration.ofSeconds(2), Duration.ofSeconds(5));
    watcher =
        new CatalogWatcher(
            ResourceKind.CLUSTER_SERVICE_CLASS, api, seen::add, Duration.ofMillis(100));
    thread = new Thread(watcher, "test-watch");
    thread.setDaemon(true);
    thread.start();
    await().atMost(Duration.ofSeconds(10)).until(watcher::listedOnce);
  }

  ObjectNode putClass(String name) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.putObject("metadata").put("name", name);
    o.putObject("spec").put("externalName", name);
    return fake.serverPut(ResourceKind.CLUSTER_SERVICE_CLASS, o);
  }

  static ObjectKey key(String name) {
    return ObjectKey.of(ResourceKind.CLUSTER_SERVICE_CLASS, null, name);
  }

  @Test
  void everyObjectListedAtStartAndEveryChangeWatchedAfterwardsIsReported() {
    putClass("before");
    follow();
    assertTrue(seen.contains(key("before")));
    putClass("after");
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(key("after")));
    assertTrue(watcher.watching());
    seen.clear();
    fake.remove(ResourceKind.CLUSTER_SERVICE_CLASS, null, "after");
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(key("after")));
  }

  @Test
  void aBrokenOrExpiredWatchIsFollowedByAListThatReportsWhatChangedMeanwhile() {
    putClass("one");
    follow();
    seen.clear();
    fake.expireWatchesBefore(Long.MAX_VALUE); // every watch answers 410 Gone from now on
    fake.closeWatches();
    fake.remove(ResourceKind.CLUSTER_SERVICE_CLASS, null, "one");
    putClass("two");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> seen.contains(key("one")) && seen.contains(key("two")));
  }

  @Test
  void aCatalogApiThatCannotWatchIsPolled() {
    fake.watchEnabled(false);
    follow();
    await().atMost(Duration.ofSeconds(5)).until(() -> !watcher.watching());
    putClass("polled");
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains(key("polled")));
    assertFalse(watcher.watching());
  }
}
