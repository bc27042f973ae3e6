package io.servicecatalog.syncer.catalogapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicecatalog.model.v1beta1.ResourceKind;
import io.servicecatalog.syncer.catalogapi.CatalogApi.WatchEnd;
import io.servicecatalog.syncer.reconcile.ObjectKey;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Follows one kind in catalog-api and hands the key of every object that changed (or disappeared)
 * to the work queue: list, then watch from the list's resourceVersion; after a broken or expired
 * watch, list again (the difference with what was known before is what changed meanwhile). A
 * catalog-api that cannot watch is listed every poll interval instead. Only keys and
 * resourceVersions are kept: the reconciler always reads the object fresh.
 */
public final class CatalogWatcher implements Runnable {
  private static final Logger LOG = Logger.getLogger(CatalogWatcher.class);

  private final ResourceKind kind;
  private final CatalogApi api;
  private final Consumer<ObjectKey> changed;
  private final Duration pollInterval;
  private final Map<ObjectKey, String> known = new HashMap<>();
  private volatile boolean running = true;
  private volatile boolean listedOnce;
  private volatile boolean watchSupported = true;
  private volatile InputStream openStream;
  private String lastError;

  public CatalogWatcher(
      ResourceKind kind, CatalogApi api, Consumer<ObjectKey> changed, Duration pollInterval) {
    this.kind = kind;
    this.api = api;
    this.changed = changed;
    this.pollInterval = pollInterval;
  }

  public ResourceKind kind() {
    return kind;
  }

  /** Listed catalog-api successfully at least once. */
  public boolean listedOnce() {
    return listedOnce;
  }

  public boolean watching() {
    return watchSupported;
  }

  /** Keys of every object known now (for the periodic resync). */
  public synchronized Set<ObjectKey> keys() {
    return new HashSet<>(known.keySet());
  }

  @Override
  public void run() {
    Duration backoff = pollInterval;
    while (running) {
      try {
        String rv = relist();
        listedOnce = true;
        backoff = pollInterval;
        lastError = null;
        if (watchSupported) {
          long started = System.nanoTime();
          WatchEnd end = api.watch(kind, rv, in -> openStream = in, this::onEvent);
          openStream = null;
          if (Duration.ofNanos(System.nanoTime() - started).compareTo(pollInterval) < 0) {
            sleep(pollInterval); // a watch that ends at once must not turn into a busy loop
          }
          if (end == WatchEnd.UNSUPPORTED) {
            watchSupported = false;
            LOG.infof(
                "catalog-api cannot watch %s: listing it every %s instead",
                kind.plural(), pollInterval);
          }
          // CLOSED or EXPIRED: list again right away
        } else {
          sleep(pollInterval);
        }
      } catch (CatalogApiException e) {
        if (!running) {
          return;
        }
        String msg = e.getMessage();
        if (!msg.equals(lastError)) {
          // a kind catalog-api does not serve (yet) answers 404 here: said once, then quiet
          LOG.warnf("following %s in catalog-api: %s (retrying)", kind.plural(), msg);
          lastError = msg;
        }
        sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                ? Duration.ofSeconds(30)
                : backoff.multipliedBy(2);
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.errorf(e, "following %s in catalog-api failed; retrying", kind.plural());
        sleep(backoff);
      }
    }
  }

  /** Lists the kind, reports what differs from what was known, returns the list's version. */
  private String relist() {
    JsonNode list = api.list(kind);
    Map<ObjectKey, String> now = new HashMap<>();
    for (JsonNode item : list.path("items")) {
      now.put(key(item), item.path("metadata").path("resourceVersion").asText(""));
    }
    Set<ObjectKey> report = new HashSet<>();
    synchronized (this) {
      for (Map.Entry<ObjectKey, String> e : now.entrySet()) {
        if (!e.getValue().equals(known.get(e.getKey()))) {
          report.add(e.getKey());
        }
      }
      for (ObjectKey k : known.keySet()) {
        if (!now.containsKey(k)) {
          report.add(k);
        }
      }
      known.clear();
      known.putAll(now);
    }
    report.forEach(changed);
    String rv = list.path("metadata").path("resourceVersion").asText(null);
    return rv == null || rv.isEmpty() ? null : rv;
  }

  private void onEvent(JsonNode event) {
    String type = event.path("type").asText();
    if ("BOOKMARK".equals(type)) {
      return;
    }
    JsonNode obj = event.path("object");
    ObjectKey key = key(obj);
    synchronized (this) {
      if ("DELETED".equals(type)) {
        known.remove(key);
      } else {
        known.put(key, obj.path("metadata").path("resourceVersion").asText(""));
      }
    }
    changed.accept(key);
  }

  private ObjectKey key(JsonNode obj) {
    JsonNode meta = obj.path("metadata");
    return ObjectKey.of(kind, meta.path("namespace").asText(null), meta.path("name").asText());
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  public void stop() {
    running = false;
    InputStream in = openStream;
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing to unblock the reader
      }
    }
  }
}
